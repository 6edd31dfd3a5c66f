package com.layerrisk;

/**
 * The base of layer-risk's errors: a located problem with a stable {@link #code()}, its
 * {@link #line()} and {@link #column()} (1-based; 0 when there is none), and the field
 * {@link #path()} (or null). Messages never quote a value from a response or applicant.
 */
public class LayerRiskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final long line;
    private final long column;
    private final String path;

    LayerRiskException(String message, String code, long line, long column, String path) {
        super(message);
        this.code = code;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /** The stable, machine-readable code. */
    public String code() {
        return code;
    }

    /** 1-based line in the body or rules file; 0 when there is none. */
    public long line() {
        return line;
    }

    /** 1-based column (in bytes) on that line; 0 when there is none. */
    public long column() {
        return column;
    }

    /** The field path ({@code identity.name.first_name}, {@code edit_rules[2].window}), or null. */
    public String path() {
        return path;
    }
}
