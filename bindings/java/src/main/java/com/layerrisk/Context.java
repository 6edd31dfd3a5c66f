package com.layerrisk;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a backend holds beside the Layer response for one decision ({@link
 * Scorer#assessWith(byte[], Context)}): each part is a JSON body as received; giving one is the
 * same decision as giving it in an envelope line ({@code {"session", "applicant", "signals":
 * {"protect", "identity_match", "identity_verification"}, "rollout_key"}}). Immutable; build
 * with {@link #builder()}. {@link #toString()} names the parts given, never their contents.
 *
 * <pre>{@code
 * Record r = scorer.assessWith(sessionBody, Context.builder()
 *         .protect(protectComputeBody)
 *         .identityVerification(idvGetBody)
 *         .rolloutKey(user.id())
 *         .build());
 * }</pre>
 */
public final class Context {
    private static final String[] NAMES = {"applicant", "protect", "identity_match", "identity_verification", "rollout_key"};

    /** Indexed by the C ABI's LR_PART_* numbers. */
    private final byte[][] parts;

    private Context(byte[][] parts) {
        this.parts = parts;
    }

    /** A builder with no part set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The parts by LR_PART_* number (null: not given); for Scorer. */
    byte[][] parts() {
        return parts;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Context[");
        String sep = "";
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                b.append(sep).append(NAMES[i]);
                sep = ", ";
            }
        }
        return b.append(']').toString();
    }

    /** Sets parts; each setter replaces the part, and null removes it. */
    public static final class Builder {
        private final byte[][] parts = new byte[NAMES.length][];

        private Builder() {}

        private Builder set(int part, byte[] json) {
            parts[part] = json == null ? null : json.clone();
            return this;
        }

        private static byte[] utf8(String s) {
            return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        }

        /**
         * What the backend knows of the user (its sign-up form): JSON shaped like the
         * response's {@code identity} ({@code name}, {@code address}, {@code phone_number},
         * {@code email}, {@code date_of_birth}); the record then carries {@code match} scores.
         */
        public Builder applicant(byte[] json) {
            return set(Native.LR_PART_APPLICANT, json);
        }

        /** {@link #applicant(byte[])} from a String. */
        public Builder applicant(String json) {
            return applicant(utf8(json));
        }

        /** The {@code /protect/compute} response body (the Trust Index). */
        public Builder protect(byte[] json) {
            return set(Native.LR_PART_PROTECT, json);
        }

        /** {@link #protect(byte[])} from a String. */
        public Builder protect(String json) {
            return protect(utf8(json));
        }

        /** The {@code /identity/match} response body for the linked Item. */
        public Builder identityMatch(byte[] json) {
            return set(Native.LR_PART_IDENTITY_MATCH, json);
        }

        /** {@link #identityMatch(byte[])} from a String. */
        public Builder identityMatch(String json) {
            return identityMatch(utf8(json));
        }

        /** The {@code /identity_verification/get} response body. */
        public Builder identityVerification(byte[] json) {
            return set(Native.LR_PART_IDENTITY_VERIFICATION, json);
        }

        /** {@link #identityVerification(byte[])} from a String. */
        public Builder identityVerification(String json) {
            return identityVerification(utf8(json));
        }

        /**
         * The user's key for a staged rollout ({@link Scorer.Builder#rolloutRules}): a stable id
         * of the user in the backend, never an identity value.
         */
        public Builder rolloutKey(String key) {
            return set(Native.LR_PART_ROLLOUT_KEY, utf8(key));
        }

        /** The context. */
        public Context build() {
            byte[][] copy = new byte[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                copy[i] = parts[i];
            }
            return new Context(copy);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Context c)) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (!java.util.Arrays.equals(parts[i], c.parts[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash((Object[]) java.util.Arrays.stream(parts).map(java.util.Arrays::hashCode).toArray(Integer[]::new));
    }
}
