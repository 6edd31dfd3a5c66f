package com.layerrisk;

/** The outcome of a decision. */
public enum Decision {
    /** The backend may use the identity as submitted. */
    TRUST("trust"),
    /** Check the identity against the linked bank accounts (/identity/match). */
    IDENTITY_MATCH("identity_match"),
    /** Send the user through Identity Verification. */
    IDENTITY_VERIFICATION("identity_verification");

    private final String code;

    Decision(String code) {
        this.code = code;
    }

    /** The name in records: {@code trust}, {@code identity_match}, {@code identity_verification}. */
    public String code() {
        return code;
    }
}
