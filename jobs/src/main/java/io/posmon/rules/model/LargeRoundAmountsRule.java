package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.CardType;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;

/** At least minCount large round-amount sales at one merchant within a window (a flink-cep pattern). */
public record LargeRoundAmountsRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    public record Params(
            String currency,
            Integer minCount,
            Duration within,
            BigDecimal minAmount,
            BigDecimal multipleOf,
            Set<CardType> cardTypes) {
        /** Declaration order, whatever order the author wrote: the rule's version must not depend on it. */
        public Params {
            cardTypes = EnumSets.ordered(cardTypes, CardType.class);
        }
    }
}
