package io.posmon.rules.model;

import java.util.List;

/** Everything loaded from a rules directory, validated. */
public record RuleSet(EngineSettings engine, MccGroups mccGroups, List<RuleDefinition> rules,
                      ContributionPolicy contribution, TierPolicy tiers, List<RuleExample> examples) {

    public RuleSet(EngineSettings engine, MccGroups mccGroups, List<RuleDefinition> rules,
                   ContributionPolicy contribution, TierPolicy tiers) {
        this(engine, mccGroups, rules, contribution, tiers, List.of());
    }
}
