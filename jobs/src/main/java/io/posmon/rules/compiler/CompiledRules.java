package io.posmon.rules.compiler;

import io.posmon.operators.EngineConfig;
import io.posmon.operators.MccGroupTable;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.checks.KeyedCheck;
import io.posmon.operators.contribution.ContributionConfig;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.LargeRoundAmountsPattern;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A rule set ready to run: keyed checks for the merchant operator, and CEP patterns. */
public record CompiledRules(
        EngineConfig engine,
        MccGroupTable mccGroups,
        List<KeyedCheck> keyedChecks,
        List<CompiledPattern> patterns,
        ContributionConfig customerContribution,
        ContributionConfig merchantContribution) implements Serializable {

    /** The same engine and groups with no rules: the merchant operator then only joins profiles and dedupes. */
    public CompiledRules withoutRiskRules() {
        return new CompiledRules(engine, mccGroups, List.of(), List.of(), customerContribution,
                merchantContribution);
    }

    public List<RuleInfo> rules() {
        List<RuleInfo> all = new ArrayList<>();
        keyedChecks.forEach(c -> all.add(c.rule()));
        patterns.forEach(p -> all.add(p.rule()));
        return all;
    }
}
