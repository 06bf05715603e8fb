package io.posmon.operators.contribution;

import io.posmon.operators.BusinessCalendar;
import io.posmon.schema.ContributionSubject;
import io.posmon.schema.Tier;
import java.io.Serializable;
import java.util.Map;

/**
 * The contribution and tier policy compiled for one kind of subject: amounts in minor units,
 * the excluded MCCs as a lookup table, tier thresholds per tier ordinal. {@code tiers} is null
 * for merchants (no tiers).
 */
public record ContributionConfig(
        ContributionSubject subject,
        BusinessCalendar calendar,
        String currency,
        long allowedLatenessMillis,
        long refundWindowMillis,
        long emitEveryMillis,
        boolean[] excludedMcc,
        boolean excludeZeroFee,
        long maxSinglePurchaseMinor,
        long amountPerPointMinor,
        int instalmentBonusPercent,
        long feePerPointMinor,
        TierRules tiers,
        String policyVersion) implements Serializable {

    /** Tier bands and movement rules. */
    public record TierRules(long[] minPointsByTier, int lookbackMonths, boolean[] downgradeAtMonthEnd,
                            int[] graceByTier, Map<String, Integer> regionPercent, Map<String, Tier> productFloors)
            implements Serializable {

        /** The highest tier the held products qualify for whatever the points; NOT_RATED when none. */
        Tier floorFor(java.util.List<String> products) {
            Tier floor = Tier.NOT_RATED;
            if (products != null) {
                for (String product : products) {
                    Tier t = productFloors.get(product);
                    if (t != null && t.ordinal() > floor.ordinal()) {
                        floor = t;
                    }
                }
            }
            return floor;
        }

        /** The tier's lower bound for a region, rounded up. */
        long minPoints(Tier tier, String region) {
            long base = minPointsByTier[tier.ordinal()];
            Integer percent = region == null ? null : regionPercent.get(region);
            return percent == null ? base : Math.floorDiv(Math.multiplyExact(base, percent) + 99, 100);
        }

        Tier bandFor(long points, String region) {
            Tier band = Tier.NOT_RATED;
            for (Tier t : Tier.values()) {
                if (t != Tier.NOT_RATED && points >= minPoints(t, region)) {
                    band = t;
                }
            }
            return band;
        }
    }

    /** Points of one period's figures, never below zero. */
    long points(long eligibleMinor, long instalmentMinor, long feeMinor) {
        long p = Math.floorDiv(eligibleMinor, amountPerPointMinor)
                + Math.floorDiv(Math.multiplyExact(Math.max(0, instalmentMinor), (long) instalmentBonusPercent),
                        Math.multiplyExact(amountPerPointMinor, 100L))
                + Math.floorDiv(feeMinor, feePerPointMinor);
        return Math.max(0, p);
    }

    boolean eligible(SpendEvent e) {
        if (subject == ContributionSubject.MERCHANT) {
            return true;
        }
        String mcc = e.mcc;
        if (mcc != null && mcc.length() == 4 && mcc.chars().allMatch(Character::isDigit) && excludedMcc[Integer.parseInt(mcc)]) {
            return false;
        }
        if (excludeZeroFee && e.profileKnown && e.feeRateBps == 0) {
            return false;
        }
        return e.tx.getAmountMinor() < maxSinglePurchaseMinor;
    }
}
