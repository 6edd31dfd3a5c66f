package com.layerrisk;

/**
 * A rules file that cannot be read or used. {@link #code()} is {@code io}, {@code syntax},
 * {@code schema}, {@code semantic} or {@code unpriced}; the message starts with
 * {@code file:line:column:}.
 */
public final class RulesException extends LayerRiskException {
    private static final long serialVersionUID = 1L;

    RulesException(String message, String code, long line, long column, String path) {
        super(message, code, line, column, path);
    }
}
