package com.layerrisk;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One decision: the fields most callers need, and the record itself as JSON (its reasons may
 * carry {@code signal}, the Plaid verdict a rule read, and {@code settled_by}). Immutable.
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
    private final String decisionId;
    private final String arm;
    private final Decision shadowDecision;
    private final String shadowDecisionId;

    Record(Decision decision, long score, String requestId, List<Reason> reasons, byte[] json, String decisionId,
            String arm, Decision shadowDecision, String shadowDecisionId) {
        this.decision = decision;
        this.score = score;
        this.requestId = requestId;
        this.reasons = List.copyOf(reasons);
        this.json = json;
        this.decisionId = decisionId;
        this.arm = arm;
        this.shadowDecision = shadowDecision;
        this.shadowDecisionId = shadowDecisionId;
    }

    /**
     * The record's {@code decision_id}: 32 hex digits, a function of the input bytes, the rule
     * set and the date (the same input decided again, by the CLI or any binding, has the same
     * id). Log it to find the record again.
     */
    public String decisionId() {
        return decisionId;
    }

    /** The arm of a staged rollout that decided ({@code control} or {@code challenger}); empty without a rollout. */
    public Optional<String> arm() {
        return Optional.ofNullable(arm);
    }

    /** The shadow's (or the other arm's) outcome; empty when the scorer has no second rule set. */
    public Optional<Decision> shadowDecision() {
        return Optional.ofNullable(shadowDecision);
    }

    /** The shadow's decision id; empty when the scorer has no second rule set. */
    public Optional<String> shadowDecisionId() {
        return Optional.ofNullable(shadowDecisionId);
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
        return "Record[" + decision.code() + ", score " + score + ", request " + requestId + ", decision " + decisionId
                + ", " + reasonCodes() + "]";
    }
}
