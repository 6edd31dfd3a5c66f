package com.layerrisk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A rule set and an evaluation date: decides Plaid Layer responses
 * ({@code POST /user_account/session/get}). Immutable and thread-safe: build one at start-up
 * (loading the rules is the costly part) and share it. Close it with try-with-resources or
 * {@link #close()}; one that is never closed is freed once it is garbage collected.
 *
 * <pre>{@code
 * try (Scorer scorer = Scorer.builder().rules(Path.of("rules/lending.json")).asOf("2026-11-22").build()) {
 *     Record r = scorer.assess(responseBody);
 *     switch (r.decision()) { case TRUST -> ...; case IDENTITY_MATCH -> ...; case IDENTITY_VERIFICATION -> ...; }
 * }
 * }</pre>
 *
 * <p>A thin shell over layer-risk's Rust core through its C ABI, called with the Foreign
 * Function and Memory API (Java 22+): every decision and record byte comes from the core, so
 * they are what the {@code layer-risk} CLI writes.
 */
@SuppressWarnings("restricted") // reads the records the library allocates (sizes from its header)
public final class Scorer implements AutoCloseable {
    /** A pointer that is not NULL, for an applicant of zero bytes (NULL means "none"). */
    private static final MemorySegment EMPTY = Arena.global().allocate(1);

    /** Per-thread room for lr_assess's two out-parameters. */
    private static final class Scratch {
        final MemorySegment record;
        final MemorySegment error;

        Scratch() {
            MemorySegment both = Arena.ofAuto().allocate(ADDRESS, 2);
            record = both.asSlice(0, ADDRESS.byteSize());
            error = both.asSlice(ADDRESS.byteSize(), ADDRESS.byteSize());
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // The C scorer (see Native.Owned: a call in flight keeps it alive, a call after close fails).
    private final Native.Owned owned;
    private final MemorySegment handle;
    private final RulesId rules;
    private final RulesId challenger;
    private final String challengerMode;
    private final double rolloutShare;
    private final String asOf;
    /** Handed out by a LiveScorer, which other threads may be using: close() leaves it to the GC. */
    private final boolean fromLive;
    private boolean closed;

    /** The Scorer of a C scorer reference {@code raw}, which it owns from then on (released on close or GC). */
    Scorer(MemorySegment raw, boolean fromLive) {
        this.fromLive = fromLive;
        this.owned = new Native.Owned(this, raw, Native.SCORER_FREE);
        this.handle = owned.handle;
        this.rules = new RulesId(
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_RULES_NAME.invokeExact(raw))),
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_RULES_VERSION.invokeExact(raw))),
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_RULES_SHA256.invokeExact(raw))));
        this.asOf = Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_AS_OF.invokeExact(raw)));
        int mode = Native.call(() -> (int) Native.SCORER_CHALLENGER_MODE.invokeExact(raw));
        this.challengerMode = mode == Native.LR_CHALLENGER_SHADOW ? "shadow" : mode == Native.LR_CHALLENGER_ROLLOUT ? "rollout" : null;
        this.challenger = challengerMode == null ? null : new RulesId(
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_CHALLENGER_NAME.invokeExact(raw))),
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_CHALLENGER_VERSION.invokeExact(raw))),
                Native.cString(Native.call(() -> (MemorySegment) Native.SCORER_CHALLENGER_SHA256.invokeExact(raw))));
        this.rolloutShare = Native.call(() -> (double) Native.SCORER_ROLLOUT_SHARE.invokeExact(raw));
    }

    /** The native scorer, for LiveScorer (valid while this Scorer is open). */
    MemorySegment handle() {
        return handle;
    }

    /** A builder: set {@link Builder#asOf(String)}, optionally the rules, then build. */
    public static Builder builder() {
        return new Builder();
    }

    /** The version of the layer-risk library loaded. */
    public static String version() {
        return Native.cString(Native.call(() -> (MemorySegment) Native.VERSION.invokeExact()));
    }

    /** What a scorer decides with. */
    public static final class Builder {
        private String asOf;
        private Path rulesPath;
        private byte[] rulesJson;
        private String rulesName;
        private boolean rollout;
        private double share;
        private Path challengerPath;
        private byte[] challengerJson;
        private String challengerName;

        private Builder() {}

        /**
         * A shadow rule set from a file: every input is decided under it too, and the record
         * carries that decision in {@code shadow} ({@code layer-risk score --shadow FILE}).
         * Replaces a shadow or rollout set before.
         */
        public Builder shadowRules(Path path) {
            return challenger(Objects.requireNonNull(path, "shadowRules"), null, null, false, 0);
        }

        /** A shadow rule set from a rules file's text, named {@code name} in errors. */
        public Builder shadowRulesJson(String text, String name) {
            return challenger(null, Objects.requireNonNull(text, "shadowRulesJson").getBytes(StandardCharsets.UTF_8),
                    Objects.requireNonNull(name, "name"), false, 0);
        }

        /**
         * A staged rollout of the challenger rules file at {@code path}: for {@code share} (0 to
         * 1) of users, chosen by their rollout key ({@link Context.Builder#rolloutKey}, or an
         * envelope's {@code rollout_key}), the challenger decides as the live rules; the record
         * says which {@code arm} decided ({@code layer-risk score --rollout FILE
         * --rollout-share S}). Replaces a shadow or rollout set before.
         */
        public Builder rolloutRules(Path path, double share) {
            return challenger(Objects.requireNonNull(path, "rolloutRules"), null, null, true, share);
        }

        /** A staged rollout from a rules file's text, named {@code name} in errors. */
        public Builder rolloutRulesJson(String text, String name, double share) {
            return challenger(null, Objects.requireNonNull(text, "rolloutRulesJson").getBytes(StandardCharsets.UTF_8),
                    Objects.requireNonNull(name, "name"), true, share);
        }

        private Builder challenger(Path path, byte[] json, String name, boolean isRollout, double share) {
            if (isRollout && !(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("share: expected a number from 0 to 1");
            }
            this.challengerPath = path;
            this.challengerJson = json;
            this.challengerName = name;
            this.rollout = isRollout;
            this.share = share;
            return this;
        }

        /** The evaluation day, {@code YYYY-MM-DD} (required): pass your business's today. */
        public Builder asOf(String date) {
            this.asOf = Objects.requireNonNull(date, "asOf");
            return this;
        }

        /** The evaluation day. */
        public Builder asOf(LocalDate date) {
            return asOf(Objects.requireNonNull(date, "asOf").toString());
        }

        /** A rules file, read as the CLI reads {@code --rules} (named by the path in errors). */
        public Builder rules(Path path) {
            this.rulesPath = Objects.requireNonNull(path, "rules");
            this.rulesJson = null;
            return this;
        }

        /** A rules file's text, named {@code name} in error messages. */
        public Builder rulesJson(String text, String name) {
            this.rulesJson = Objects.requireNonNull(text, "rulesJson").getBytes(StandardCharsets.UTF_8);
            this.rulesName = Objects.requireNonNull(name, "name");
            this.rulesPath = null;
            return this;
        }

        /**
         * The scorer.
         *
         * @throws RulesException when the rules cannot be read or used
         * @throws IllegalArgumentException without an evaluation date, or with one that is not
         *     {@code YYYY-MM-DD}
         */
        public Scorer build() {
            if (asOf == null) {
                throw new IllegalArgumentException("asOf: required ('YYYY-MM-DD')");
            }
            for (String s : new String[] {asOf, rulesName, rulesPath == null ? null : rulesPath.toString(), challengerName,
                    challengerPath == null ? null : challengerPath.toString()}) {
                if (s != null && s.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("asOf, rules and names cannot contain a NUL character");
                }
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment opts = Native.call(() -> (MemorySegment) Native.OPTIONS_NEW.invokeExact());
                MemorySegment err = a.allocate(ADDRESS);
                try {
                    int st;
                    if (rulesPath != null) {
                        MemorySegment p = Native.cString(a, rulesPath.toString());
                        st = Native.call(() -> (int) Native.OPTIONS_SET_RULES_FILE.invokeExact(opts, p, err));
                        check(st, err);
                    } else if (rulesJson != null) {
                        MemorySegment text = a.allocate(Math.max(1, rulesJson.length));
                        MemorySegment.copy(rulesJson, 0, text, ValueLayout.JAVA_BYTE, 0, rulesJson.length);
                        MemorySegment name = Native.cString(a, rulesName);
                        long len = rulesJson.length;
                        st = Native.call(() -> (int) Native.OPTIONS_SET_RULES.invokeExact(opts, text, len, name, err));
                        check(st, err);
                    }
                    if (challengerPath != null) {
                        MemorySegment p = Native.cString(a, challengerPath.toString());
                        double sh = share;
                        st = rollout
                                ? Native.call(() -> (int) Native.OPTIONS_SET_ROLLOUT_RULES_FILE.invokeExact(opts, p, sh, err))
                                : Native.call(() -> (int) Native.OPTIONS_SET_SHADOW_RULES_FILE.invokeExact(opts, p, err));
                        check(st, err);
                    } else if (challengerJson != null) {
                        MemorySegment text = a.allocate(Math.max(1, challengerJson.length));
                        MemorySegment.copy(challengerJson, 0, text, ValueLayout.JAVA_BYTE, 0, challengerJson.length);
                        MemorySegment name = Native.cString(a, challengerName);
                        long len = challengerJson.length;
                        double sh = share;
                        st = rollout
                                ? Native.call(() -> (int) Native.OPTIONS_SET_ROLLOUT_RULES.invokeExact(opts, text, len, name, sh, err))
                                : Native.call(() -> (int) Native.OPTIONS_SET_SHADOW_RULES.invokeExact(opts, text, len, name, err));
                        check(st, err);
                    }
                    MemorySegment date = Native.cString(a, asOf);
                    st = Native.call(() -> (int) Native.OPTIONS_SET_AS_OF.invokeExact(opts, date, err));
                    check(st, err);
                    MemorySegment out = a.allocate(ADDRESS);
                    st = Native.call(() -> (int) Native.SCORER_NEW.invokeExact(opts, out, err));
                    check(st, err);
                    return new Scorer(out.get(ADDRESS, 0), false);
                } finally {
                    Native.call(() -> {
                        Native.OPTIONS_FREE.invokeExact(opts);
                        return null;
                    });
                }
            }
        }
    }

    /** The rule set's name, version and SHA-256. */
    public RulesId rules() {
        return rules;
    }

    /** The evaluation day, {@code YYYY-MM-DD}. */
    public String asOf() {
        return asOf;
    }

    /** The shadow or rollout challenger's rule set; empty when the scorer has none. */
    public Optional<RulesId> challengerRules() {
        return Optional.ofNullable(challenger);
    }

    /** How the challenger takes part: {@code shadow} or {@code rollout}; empty when there is none. */
    public Optional<String> challengerMode() {
        return Optional.ofNullable(challengerMode);
    }

    /** The share of users (0 to 1) a staged rollout gives the challenger; empty without a rollout. */
    public OptionalDouble rolloutShare() {
        return rolloutShare < 0 ? OptionalDouble.empty() : OptionalDouble.of(rolloutShare);
    }

    /**
     * Decide on one response body (the JSON Plaid sent), or a {"session", "applicant"} envelope.
     *
     * @throws ParseException when the body is not a Plaid Layer response
     * @throws IllegalStateException after {@link #close()}
     */
    public Record assess(byte[] body) {
        return assess(body, null);
    }

    /** {@link #assess(byte[])} on a String (encoded as UTF-8). */
    public Record assess(String body) {
        return assess(body.getBytes(StandardCharsets.UTF_8), null);
    }

    /** {@link #assess(byte[], byte[])} on Strings (encoded as UTF-8). */
    public Record assess(String body, String applicant) {
        return assess(body.getBytes(StandardCharsets.UTF_8),
                applicant == null ? null : applicant.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decide on a bare response body with what your backend knows of the user: {@code
     * applicant} is JSON shaped like the response's identity ({@code name}, {@code address},
     * {@code phone_number}, {@code email}, {@code date_of_birth}; all optional), or null for
     * none. The record then carries {@code match} scores.
     *
     * @throws ParseException when the body or applicant is not one (the path then starts with
     *     {@code applicant})
     */
    public Record assess(byte[] body, byte[] applicant) {
        Objects.requireNonNull(body, "body");
        Scratch s = SCRATCH.get();
        MemorySegment b = MemorySegment.ofArray(body);
        MemorySegment a = applicant == null ? MemorySegment.NULL
                : applicant.length == 0 ? EMPTY : MemorySegment.ofArray(applicant);
        long alen = applicant == null ? 0 : applicant.length;
        int st;
        try {
            st = (int) Native.ASSESS.invokeExact(handle, b, (long) body.length, a, alen, s.record, s.error);
        } catch (IllegalStateException e) {
            throw closedError(e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (st != Native.LR_OK) {
            throw error(st, s.error.get(ADDRESS, 0));
        }
        return takeRecord(s.record.get(ADDRESS, 0));
    }

    /**
     * Decide on one response body with what the backend holds beside it ({@link Context}: the
     * applicant, Plaid's other verdicts, the rollout key): the same decision as an envelope
     * carrying those parts; {@link Record#decisionId()} differs, since it covers the bytes as
     * given.
     *
     * @throws ParseException when the body or a part is not what it claims (the path then
     *     starts with the part's envelope key: {@code applicant}, {@code signals.protect}, ...),
     *     or {@code ambiguous_envelope} when the body is an envelope that carries the same part
     * @throws IllegalStateException after {@link #close()}
     */
    public Record assessWith(byte[] body, Context context) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(context, "context");
        Scratch s = SCRATCH.get();
        MemorySegment ctx = Native.call(() -> (MemorySegment) Native.CONTEXT_NEW.invokeExact());
        try {
            byte[][] parts = context.parts();
            for (int i = 0; i < parts.length; i++) {
                byte[] p = parts[i];
                if (p == null) {
                    continue;
                }
                MemorySegment data = p.length == 0 ? EMPTY : MemorySegment.ofArray(p);
                int part = i;
                int st = Native.call(() -> (int) Native.CONTEXT_SET.invokeExact(ctx, part, data, (long) p.length, s.error));
                if (st != Native.LR_OK) {
                    throw error(st, s.error.get(ADDRESS, 0));
                }
            }
            MemorySegment b = MemorySegment.ofArray(body);
            int st;
            try {
                st = (int) Native.ASSESS_CTX.invokeExact(handle, b, (long) body.length, ctx, s.record, s.error);
            } catch (IllegalStateException e) {
                throw closedError(e);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (st != Native.LR_OK) {
                throw error(st, s.error.get(ADDRESS, 0));
            }
            return takeRecord(s.record.get(ADDRESS, 0));
        } finally {
            Native.call(() -> {
                Native.CONTEXT_FREE.invokeExact(ctx);
                return null;
            });
        }
    }

    /** {@link #assessWith(byte[], Context)} on a String body (encoded as UTF-8). */
    public Record assessWith(String body, Context context) {
        return assessWith(body.getBytes(StandardCharsets.UTF_8), context);
    }

    /**
     * Score a JSONL export (one response or envelope per line; gzip data is decompressed):
     * exactly the bytes {@code layer-risk score --as-of D --jobs 1} (with {@code --shadow} or
     * {@code --rollout} as the scorer has them) prints for it, one record per
     * non-blank line, numbered, with error records for lines that are not responses. Runs on
     * the calling thread.
     *
     * @throws InputException for a corrupt or cut gzip stream
     */
    public byte[] scoreJsonl(byte[] data) {
        Objects.requireNonNull(data, "data");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, in, ValueLayout.JAVA_BYTE, 0, data.length);
            return scoreJsonl(a, in, data.length);
        }
    }

    /**
     * {@link #scoreJsonl(byte[])} on a file (JSONL or gzip), mapped into memory rather than read
     * into a byte array: the library reads it where it lies, as the CLI reads its input.
     *
     * @throws java.io.UncheckedIOException when the file cannot be opened or mapped
     */
    public byte[] scoreJsonl(Path file) {
        Objects.requireNonNull(file, "file");
        try (Arena a = Arena.ofConfined();
                java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return new byte[0];
            }
            MemorySegment in = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size, a);
            return scoreJsonl(a, in, size);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("scoreJsonl: cannot read " + file, e);
        }
    }

    /** lr_score_jsonl on {@code length} bytes at {@code in}; the records copied into a byte[]. */
    private byte[] scoreJsonl(Arena a, MemorySegment in, long length) {
        MemorySegment out = a.allocate(Native.BYTES);
        MemorySegment err = a.allocate(ADDRESS);
        int st;
        try {
            st = (int) Native.SCORE_JSONL.invokeExact(handle, in, length, out, err);
        } catch (IllegalStateException e) {
            throw closedError(e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (st != Native.LR_OK) {
            throw error(st, err.get(ADDRESS, 0));
        }
        try {
            long n = out.get(JAVA_LONG, ADDRESS.byteSize());
            if (n > Integer.MAX_VALUE - 8) {
                throw new InputException("scoreJsonl: the records exceed 2 GiB; score the export in parts", "io");
            }
            byte[] records = new byte[(int) n];
            if (n > 0) {
                MemorySegment.copy(out.get(ADDRESS, 0).reinterpret(n), ValueLayout.JAVA_BYTE, 0, records, 0, records.length);
            }
            return records;
        } finally {
            Native.call(() -> {
                Native.BYTES_FREE.invokeExact(out);
                return null;
            });
        }
    }

    /**
     * Free the native scorer. Calls made after it throw {@link IllegalStateException}; closing
     * twice is harmless.
     *
     * @throws IllegalStateException when a call on this scorer is still running (nothing is
     *     freed then)
     */
    @Override
    public synchronized void close() {
        if (closed || fromLive) {
            // A scorer from LiveScorer.current() is shared with other threads: the garbage
            // collector releases it once no one holds it.
            return;
        }
        owned.close();
        closed = true;
    }

    @Override
    public String toString() {
        return "Scorer[" + rules.name() + "@" + rules.version() + ", asOf " + asOf
                + (challenger == null ? "" : ", " + challengerMode + " " + challenger.name() + "@" + challenger.version()) + "]";
    }

    static Record takeRecord(MemorySegment p) {
        MemorySegment rec = p.reinterpret(Native.RECORD.byteSize());
        try {
            long jsonLen = rec.get(JAVA_LONG, Native.RECORD_JSON_LEN);
            byte[] json = new byte[Math.toIntExact(jsonLen)];
            MemorySegment.copy(rec.get(ADDRESS, Native.RECORD_JSON).reinterpret(jsonLen), ValueLayout.JAVA_BYTE, 0,
                    json, 0, json.length);
            Decision decision = Decision.of(rec.get(JAVA_INT, Native.RECORD_DECISION));
            long score = Integer.toUnsignedLong(rec.get(JAVA_INT, Native.RECORD_SCORE));
            String requestId = Native.str(rec, Native.RECORD_REQUEST_ID);
            long n = rec.get(JAVA_LONG, Native.RECORD_REASONS_LEN);
            List<Reason> reasons = new ArrayList<>((int) n);
            if (n > 0) {
                long size = Native.REASON.byteSize();
                MemorySegment rs = rec.get(ADDRESS, Native.RECORD_REASONS).reinterpret(n * size);
                for (long i = 0; i < n; i++) {
                    long at = i * size;
                    reasons.add(new Reason(Native.str(rs, at), Native.str(rs, at + Native.STR.byteSize()),
                            Integer.toUnsignedLong(rs.get(JAVA_INT, at + 2 * Native.STR.byteSize()))));
                }
            }
            int arm = rec.get(JAVA_INT, Native.RECORD_ARM);
            int shadow = rec.get(JAVA_INT, Native.RECORD_SHADOW_DECISION);
            return new Record(decision, score, requestId, reasons, json, Native.str(rec, Native.RECORD_DECISION_ID),
                    arm == 1 ? "control" : arm == 2 ? "challenger" : null,
                    shadow == Native.LR_DECISION_NONE ? null : Decision.of(shadow),
                    Native.str(rec, Native.RECORD_SHADOW_DECISION_ID));
        } finally {
            Native.call(() -> {
                Native.RECORD_FREE.invokeExact(p);
                return null;
            });
        }
    }

    static void check(int status, MemorySegment errOut) {
        if (status != Native.LR_OK) {
            throw error(status, errOut.get(ADDRESS, 0));
        }
    }

    /** The exception for an LrError, which is freed. */
    static RuntimeException error(int status, MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return new LayerRiskException("layer-risk: a call failed without an error (status " + status + ")",
                    "panic", 0, 0, null);
        }
        MemorySegment e = p.reinterpret(Native.ERROR.byteSize());
        try {
            String code = Native.cString(e.get(ADDRESS, 8));
            String message = Native.cString(e.get(ADDRESS, 16));
            long line = e.get(JAVA_LONG, 24);
            long column = e.get(JAVA_LONG, 32);
            String path = Native.cString(e.get(ADDRESS, 40));
            String decisionId = Native.cString(e.get(ADDRESS, Native.ERROR_DECISION_ID));
            return switch (status) {
                case Native.LR_ERR_PARSE -> new ParseException(message, code, line, column, path, decisionId);
                case Native.LR_ERR_RULES -> new RulesException(message, code, line, column, path);
                case Native.LR_ERR_ARGUMENT -> new IllegalArgumentException(message);
                case Native.LR_ERR_INPUT -> new InputException(message, code);
                default -> new LayerRiskException(message, code, line, column, path);
            };
        } finally {
            Native.call(() -> {
                Native.ERROR_FREE.invokeExact(p);
                return null;
            });
        }
    }

    private static IllegalStateException closedError(IllegalStateException e) {
        return new IllegalStateException("layer-risk: the scorer is closed", e);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("layer-risk: native call failed", t);
    }
}
