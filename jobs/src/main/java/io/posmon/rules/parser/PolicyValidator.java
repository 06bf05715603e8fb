package io.posmon.rules.parser;

import io.posmon.rules.model.ContributionPolicy;
import io.posmon.rules.model.MccCodes;
import io.posmon.rules.model.MinorUnits;
import io.posmon.rules.model.TierPolicy;
import io.posmon.schema.Tier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;

/** Checks the contribution and tier policies: the CRM must get figures it can trust, or none. */
final class PolicyValidator {

    private PolicyValidator() {
    }

    static void contribution(ContributionPolicy c, ProblemCollector p, String at) {
        boolean currencyOk = false;
        if (p.require(c.currency(), at, "currency")) {
            try {
                currencyOk = Currency.getInstance(c.currency()).getDefaultFractionDigits() >= 0;
            } catch (IllegalArgumentException e) {
                p.at(at + "/currency", "'" + c.currency() + "' is not an ISO 4217 currency code (e.g. CNY)");
            }
        }
        duration(p, at, "allowedLateness", c.allowedLateness(), Duration.ZERO, Duration.ofDays(7));
        duration(p, at, "refundWindow", c.refundWindow(), Duration.ofDays(1), Duration.ofDays(400));
        duration(p, at, "emitEvery", c.emitEvery(), Duration.ofSeconds(1), Duration.ofDays(1));
        if (p.require(c.customers(), at, "customers")) {
            var cu = c.customers();
            String cp = at + "/customers";
            if (cu.excludedMccs() != null) {
                for (int i = 0; i < cu.excludedMccs().size(); i++) {
                    if (MccCodes.range(cu.excludedMccs().get(i)) == null) {
                        p.at(cp + "/excludedMccs/" + i, "'" + cu.excludedMccs().get(i)
                                + "' is not an MCC (4 digits) or a range (\"6010-6012\")");
                    }
                }
            }
            p.require(cu.excludeZeroFeeMerchants(), cp, "excludeZeroFeeMerchants");
            if (p.require(cu.maxSinglePurchase(), cp, "maxSinglePurchase") && currencyOk) {
                amount(p, cp + "/maxSinglePurchase", cu.maxSinglePurchase(), c.currency(), true);
            }
            if (p.require(cu.points(), cp, "points") && currencyOk) {
                points(cu.points(), c.currency(), p, cp + "/points");
            }
        }
        if (p.require(c.merchants(), at, "merchants")) {
            String mp = at + "/merchants";
            if (p.require(c.merchants().points(), mp, "points") && currencyOk) {
                points(c.merchants().points(), c.currency(), p, mp + "/points");
            }
        }
    }

    private static void points(ContributionPolicy.PointsFormula f, String currency, ProblemCollector p, String at) {
        if (p.require(f.amountPerPoint(), at, "amountPerPoint")) {
            amount(p, at + "/amountPerPoint", f.amountPerPoint(), currency, true);
        }
        if (p.require(f.instalmentBonusPercent(), at, "instalmentBonusPercent")
                && (f.instalmentBonusPercent() < 0 || f.instalmentBonusPercent() > 1000)) {
            p.at(at + "/instalmentBonusPercent", "instalmentBonusPercent must be between 0 and 1000, got "
                    + f.instalmentBonusPercent());
        }
        if (p.require(f.feeRevenuePerPoint(), at, "feeRevenuePerPoint")) {
            amount(p, at + "/feeRevenuePerPoint", f.feeRevenuePerPoint(), currency, true);
        }
    }

    static void tiers(TierPolicy t, ProblemCollector p, String at) {
        if (p.require(t.bands(), at, "bands")) {
            long previous = 0;
            for (int i = 0; i < t.bands().size(); i++) {
                var band = t.bands().get(i);
                String bp = at + "/bands/" + i;
                if (band == null || !p.require(band.tier(), bp, "tier") || !p.require(band.minPoints(), bp, "minPoints")) {
                    continue;
                }
                if (band.tier() == Tier.NOT_RATED) {
                    p.at(bp + "/tier", "NOT_RATED is what a customer with no points is; it has no band");
                } else if (i + 1 < Tier.values().length && band.tier() != Tier.values()[i + 1]) {
                    p.at(bp + "/tier", "bands must list the tiers in order from ENTRY up; expected "
                            + Tier.values()[i + 1] + " here, got " + band.tier());
                }
                if (band.minPoints() <= previous) {
                    p.at(bp + "/minPoints", "minPoints must be above the previous band's (" + previous + "), got "
                            + band.minPoints());
                }
                previous = band.minPoints();
            }
            if (t.bands().size() != Tier.values().length - 1) {
                p.at(at + "/bands", "bands must list every tier from ENTRY to STAR_7 (" + (Tier.values().length - 1)
                        + "), got " + t.bands().size());
            }
        }
        if (p.require(t.lookbackMonths(), at, "lookbackMonths") && (t.lookbackMonths() < 1 || t.lookbackMonths() > 12)) {
            p.at(at + "/lookbackMonths", "lookbackMonths must be between 1 and 12, got " + t.lookbackMonths());
        }
        p.require(t.downgradeMonths(), at, "downgradeMonths");
        if (p.require(t.graceMonths(), at, "graceMonths")) {
            for (Tier tier : Tier.values()) {
                if (tier == Tier.NOT_RATED) {
                    continue;
                }
                Integer g = t.graceMonths().get(tier);
                if (g == null) {
                    p.at(at + "/graceMonths", "graceMonths has no value for " + tier);
                } else if (g < 0 || g > 24) {
                    p.at(at + "/graceMonths/" + tier, "grace must be between 0 and 24 months, got " + g);
                }
            }
        }
        if (t.productFloors() != null) {
            t.productFloors().forEach((product, tier) -> {
                if (tier == null || tier == Tier.NOT_RATED) {
                    p.at(at + "/productFloors/" + product, "a product qualifies for a tier from ENTRY to STAR_7, got " + tier);
                }
            });
        }
        if (t.regionThresholdPercent() != null) {
            t.regionThresholdPercent().forEach((region, percent) -> {
                if (percent == null || percent < 1 || percent > 1000) {
                    p.at(at + "/regionThresholdPercent/" + region, "percent must be between 1 and 1000, got " + percent);
                }
            });
        }
    }

    private static void duration(ProblemCollector p, String at, String key, Duration value, Duration min, Duration max) {
        if (p.require(value, at, key) && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
            p.at(at + "/" + key, key + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void amount(ProblemCollector p, String at, BigDecimal value, String currency, boolean positive) {
        if (positive && value.signum() <= 0) {
            p.at(at, "amount must be above zero, got " + value.toPlainString());
            return;
        }
        try {
            MinorUnits.toMinor(value, currency);
        } catch (ArithmeticException e) {
            p.at(at, "amount " + value.toPlainString() + " has more decimals than " + currency + " allows");
        }
    }
}
