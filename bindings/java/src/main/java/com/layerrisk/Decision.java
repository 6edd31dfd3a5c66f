package com.layerrisk;

/**
 * The outcome of a decision, from least to most friction. A later library may add one: a
 * backend that meets an outcome it does not know must treat it as {@link #MANUAL_REVIEW}
 * (fail closed); this package itself reports an outcome number it does not know as
 * {@code MANUAL_REVIEW}.
 */
public enum Decision {
    /** The backend may use the identity as submitted. */
    TRUST("trust"),
    /** Check the identity against the linked bank accounts (/identity/match). */
    IDENTITY_MATCH("identity_match"),
    /** Send the user through Identity Verification. */
    IDENTITY_VERIFICATION("identity_verification"),
    /**
     * Terminal: no automatic step-up is left that would settle the doubt (the user already
     * passed Identity Verification and doubts remain, Plaid's own review is pending, an
     * Identity Verification status this release does not know). A person decides.
     */
    MANUAL_REVIEW("manual_review");

    private static final Decision[] BY_NUMBER = values();

    private final String code;

    Decision(String code) {
        this.code = code;
    }

    /** The name in records: {@code trust}, {@code identity_match}, {@code identity_verification}, {@code manual_review}. */
    public String code() {
        return code;
    }

    /** The decision of an {@code LR_DECISION_*} number; one this package does not know is MANUAL_REVIEW. */
    static Decision of(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : MANUAL_REVIEW;
    }
}
