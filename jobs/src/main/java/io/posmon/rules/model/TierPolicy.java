package io.posmon.rules.model;

import io.posmon.schema.Tier;
import java.time.Month;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code tiers:} section (rules/tiers.yaml): star bands, when tiers move, and regional thresholds. */
public record TierPolicy(
        List<Band> bands,
        Integer lookbackMonths,
        Set<Month> downgradeMonths,
        Map<Tier, Integer> graceMonths,
        Map<String, Integer> regionThresholdPercent,
        Map<String, Tier> productFloors) {

    /** Calendar order, whatever order the author wrote: the policy's version must not depend on it. */
    public TierPolicy {
        downgradeMonths = EnumSets.ordered(downgradeMonths, Month.class);
    }

    /** A tier and the points from which it applies (inclusive). */
    public record Band(Tier tier, Long minPoints) {
    }
}
