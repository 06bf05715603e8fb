package io.posmon.rules.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.posmon.schema.AlertKind;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;

/**
 * One rule as its author wrote it in a rule file. The {@code kind} key picks the concrete type;
 * each type carries its own {@code params}. Nothing here runs: the compiler turns it into runtime checks.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "kind", visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = DailyCreditLimitRule.class, name = "DAILY_CREDIT_LIMIT"),
    @JsonSubTypes.Type(value = VolumeJumpRule.class, name = "VOLUME_JUMP"),
    @JsonSubTypes.Type(value = LargeRoundAmountsRule.class, name = "LARGE_ROUND_AMOUNTS"),
    @JsonSubTypes.Type(value = SuspendedMerchantRule.class, name = "SUSPENDED_MERCHANT_ACTIVITY"),
    @JsonSubTypes.Type(value = PersonalSettlementRule.class, name = "PERSONAL_SETTLEMENT_ACCOUNT"),
    @JsonSubTypes.Type(value = PatternRule.class, name = "AUTHORED_PATTERN")
})
public sealed interface RuleDefinition
        permits DailyCreditLimitRule, VolumeJumpRule, LargeRoundAmountsRule, SuspendedMerchantRule, PersonalSettlementRule,
        PatternRule {

    String id();

    AlertKind kind();

    Severity severity();

    RecommendedAction action();

    String description();
}
