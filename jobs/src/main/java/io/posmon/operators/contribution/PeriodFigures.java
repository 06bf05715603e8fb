package io.posmon.operators.contribution;

import java.util.HashMap;
import java.util.Map;

/** The running figures of one subject for one day or month, in exact minor units. */
public class PeriodFigures {
    public long eligibleMinor;
    public long excludedMinor;
    public int count;
    public long instalmentMinor;
    /** Sum of amount x feeRateBps; the fee is this / 10000, rounded down once per period. */
    public long feeBasis;
    public Map<String, Long> byMccGroup = new HashMap<>();
    /** Distinct merchants of a customer, or cards of a merchant (the ids themselves are in their own map state). */
    public int distinctCounterparties;
    public long lastEventTime;
    public int revision;
    public boolean dirty;
    public boolean closed;

    public PeriodFigures() {
    }

    void addEligible(long amount, boolean instalment, int feeRateBps, String group) {
        eligibleMinor += amount;
        if (instalment) {
            instalmentMinor += amount;
        }
        feeBasis += amount * feeRateBps;
        byMccGroup.merge(group, amount, Long::sum);
    }

    long feeMinor() {
        return Math.floorDiv(feeBasis, 10_000L);
    }
}
