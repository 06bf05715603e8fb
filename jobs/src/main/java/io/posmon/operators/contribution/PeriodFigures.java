package io.posmon.operators.contribution;

import java.util.HashMap;
import java.util.Map;

/** The running figures of one subject for one day or month, in exact minor units. */
@org.apache.flink.api.common.typeinfo.TypeInfo(ContributionStateSerialization.PeriodFiguresType.class)
public class PeriodFigures {
    public long eligibleMinor;
    public long excludedMinor;
    public int count;
    public long instalmentMinor;
    /** Sum of amount x feeRateBps; the fee is this / 10000, rounded down once per period. */
    public long feeBasis;
    public Map<String, Long> byMccGroup = new HashMap<>();
    /** Distinct merchants of a customer, or cards of a merchant. */
    public int distinctCounterparties;
    /**
     * Their fingerprints (see CounterpartyPrints). Null in a period begun before the fingerprints
     * were kept (state written before 2026-12-03): its ids are in the "counterparties" map state.
     */
    public long[] counterpartyPrints;
    /** Not stored: rebuilt from the prints when needed. */
    transient io.posmon.operators.state.Fingerprints.Index printIndex;
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
