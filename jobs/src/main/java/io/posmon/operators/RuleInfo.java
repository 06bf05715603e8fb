package io.posmon.operators;

import io.posmon.schema.AlertKind;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.io.Serializable;

/** What every alert of a rule says about the rule: identity, content version, severity and action. */
public record RuleInfo(
        String id, String version, AlertKind kind, Severity severity, RecommendedAction action,
        String description) implements Serializable {
}
