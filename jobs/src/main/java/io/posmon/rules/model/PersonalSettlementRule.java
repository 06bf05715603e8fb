package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;

/** A merchant profile with a PERSONAL settlement account; raised once per merchant. */
public record PersonalSettlementRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    /** No parameters yet; the empty block keeps every rule's shape the same for authors. */
    public record Params() {
    }
}
