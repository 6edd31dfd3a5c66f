package com.layerrisk;

/**
 * One reason of a decision.
 *
 * @param code the stable reason code ({@code edit_rule}, {@code ssn_impossible}, ...)
 * @param ruleId the rule that priced it: the edit or match rule's id, or the finding code
 * @param points what it added to the score
 */
public record Reason(String code, String ruleId, long points) {}
