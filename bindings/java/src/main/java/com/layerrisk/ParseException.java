package com.layerrisk;

/**
 * A body (or applicant) that is not a Plaid Layer response. {@link #code()} is one of
 * {@code truncated}, {@code invalid_json}, {@code invalid_utf8}, {@code wrong_type},
 * {@code invalid_value}, {@code duplicate_field}, {@code not_an_object},
 * {@code ambiguous_envelope}, {@code invalid_data}; {@link #path()} starts with
 * {@code applicant} when the applicant is at fault.
 */
public final class ParseException extends LayerRiskException {
    private static final long serialVersionUID = 1L;

    ParseException(String message, String code, long line, long column, String path) {
        super(message, code, line, column, path);
    }
}
