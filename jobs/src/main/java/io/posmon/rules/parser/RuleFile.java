package io.posmon.rules.parser;

import io.posmon.rules.model.ContributionPolicy;
import io.posmon.rules.model.EngineSettings;
import io.posmon.rules.model.TierPolicy;
import io.posmon.rules.model.MccGroups;
import io.posmon.rules.model.RuleDefinition;
import io.posmon.rules.model.RuleExample;
import java.util.List;

/** The sections one YAML file may hold; a rules directory spreads them over several files. */
record RuleFile(EngineSettings engine, MccGroups mccGroups, List<RuleDefinition> rules,
                ContributionPolicy contribution, TierPolicy tiers, List<RuleExample> examples) {
}
