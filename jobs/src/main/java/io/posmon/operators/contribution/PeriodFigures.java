package io.posmon.operators.contribution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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
    /** Sorted, distinct: merchants of a customer, cards of a merchant. */
    public List<String> counterparties = new ArrayList<>();
    public long lastEventTime;
    public int revision;
    public boolean dirty;
    public boolean closed;

    public PeriodFigures() {
    }

    void addCounterparty(String id) {
        int at = Collections.binarySearch(counterparties, id);
        if (at < 0) {
            counterparties.add(-at - 1, id);
        }
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
