package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.math.BigDecimal;
import java.util.Map;

/** Daily net credit-card sales per merchant against a limit by MCC group and scale. */
public record DailyCreditLimitRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    /**
     * @param limits major-unit limits per MCC group, then per scale
     * @param warningPercent early warning at this share of the limit, or null for none
     */
    public record Params(
            String currency,
            Integer warningPercent,
            Severity warningSeverity,
            Map<String, Map<MerchantScale, BigDecimal>> limits,
            BigDecimal unknownMerchantLimit) {
    }
}
