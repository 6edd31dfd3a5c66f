package com.layerrisk;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One decision: the fields most callers need, and the record itself as JSON. Immutable.
 *
 * <p>{@link #json()} is byte for byte what {@code layer-risk score} writes for the same input,
 * without its {@code "line"} field and without the newline: log it or store it for audit; it
 * holds codes and counts, never an identity value.
 */
public final class Record {
    private final Decision decision;
    private final long score;
    private final String requestId;
    private final List<Reason> reasons;
    private final byte[] json;

    Record(Decision decision, long score, String requestId, List<Reason> reasons, byte[] json) {
        this.decision = decision;
        this.score = score;
        this.requestId = requestId;
        this.reasons = List.copyOf(reasons);
        this.json = json;
    }

    /** The outcome. */
    public Decision decision() {
        return decision;
    }

    /** The score. */
    public long score() {
        return score;
    }

    /** Plaid's request_id as the record has it; empty when it is null. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The reasons, heaviest first (unmodifiable). */
    public List<Reason> reasons() {
        return reasons;
    }

    /** The reason codes, heaviest first. */
    public List<String> reasonCodes() {
        return reasons.stream().map(Reason::code).toList();
    }

    /** The record as JSON text. */
    public String json() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** The record's UTF-8 bytes (a copy). */
    public byte[] jsonBytes() {
        return json.clone();
    }

    @Override
    public String toString() {
        return "Record[" + decision.code() + ", score " + score + ", request " + requestId + ", " + reasonCodes() + "]";
    }
}
