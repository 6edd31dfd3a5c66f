package com.layerrisk;

/** {@link Scorer#scoreJsonl(byte[])}'s input cannot be read: a corrupt or cut gzip stream. */
public final class InputException extends LayerRiskException {
    private static final long serialVersionUID = 1L;

    InputException(String message, String code) {
        super(message, code, 0, 0, null);
    }
}
