package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.util.Set;

/** Every approved transaction from a merchant whose profile status is one of {@code statuses}. */
public record SuspendedMerchantRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    public record Params(Set<MerchantStatus> statuses) {
        /** Declaration order, whatever order the author wrote: the rule's version must not depend on it. */
        public Params {
            statuses = EnumSets.ordered(statuses, MerchantStatus.class);
        }
    }
}
