package io.posmon.rules.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/** The {@code contribution:} section (rules/contribution.yaml): what counts towards a customer's or merchant's contribution. */
public record ContributionPolicy(
        String currency,
        Duration allowedLateness,
        Duration refundWindow,
        Duration emitEvery,
        CustomerPolicy customers,
        MerchantPolicy merchants) {

    /** Eligibility of a cardholder's spending, and its points. */
    public record CustomerPolicy(
            List<String> excludedMccs,
            Boolean excludeZeroFeeMerchants,
            BigDecimal maxSinglePurchase,
            PointsFormula points) {
    }

    /** A merchant's contribution: its acquiring volume and the fee revenue it brings. */
    public record MerchantPolicy(PointsFormula points) {
    }

    /**
     * points = floor(net eligible / amountPerPoint) + floor(instalments x instalmentBonusPercent% / amountPerPoint)
     * + floor(fee revenue / feeRevenuePerPoint), per period and never below zero.
     */
    public record PointsFormula(BigDecimal amountPerPoint, Integer instalmentBonusPercent, BigDecimal feeRevenuePerPoint) {
    }
}
