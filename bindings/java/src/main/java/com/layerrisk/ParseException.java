package com.layerrisk;

import java.util.Optional;

/**
 * A body (or a context part) that is not what it claims. {@link #code()} is one of
 * {@code truncated}, {@code invalid_json}, {@code invalid_utf8}, {@code wrong_type},
 * {@code invalid_value}, {@code duplicate_field}, {@code not_an_object},
 * {@code ambiguous_envelope}, {@code invalid_data}; {@link #path()} starts with the part's
 * envelope key ({@code applicant}, {@code signals.protect}, {@code signals.identity_match},
 * {@code signals.identity_verification}) when a part is at fault.
 */
public final class ParseException extends LayerRiskException {
    private static final long serialVersionUID = 1L;

    private final String decisionId;

    ParseException(String message, String code, long line, long column, String path, String decisionId) {
        super(message, code, line, column, path);
        this.decisionId = decisionId;
    }

    /**
     * The decision id of the error record {@code layer-risk score} writes for the same line
     * (an {@code assess} of a body alone); empty when parts were given apart.
     */
    public Optional<String> decisionId() {
        return Optional.ofNullable(decisionId);
    }
}
