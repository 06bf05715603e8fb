package io.posmon.operators.contribution;

import static io.posmon.operators.contribution.ContributionHarness.buy;
import static io.posmon.operators.contribution.ContributionHarness.noFee;
import static io.posmon.operators.contribution.ContributionHarness.refund;
import static io.posmon.operators.contribution.ContributionHarness.spend;
import static io.posmon.operators.contribution.ContributionHarness.undo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.posmon.schema.ContributionSubject;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.Tier;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Tx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A customer's figures per period: what counts, undo and refunds (cash basis), points. */
class CustomerFiguresTest {

    private static final String DAY = "2026-11-23";

    private final ContributionHarness h = ContributionHarness.customers();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static String at(String time) {
        return DAY + "T" + time;
    }

    /** Sends the events (all on {@link #DAY}) and returns the day's current record. */
    private CustomerContribution dayOf(SpendEvent... events) throws Exception {
        h.send(events).watermark(at("23:59"));
        return h.day(DAY);
    }

    @Test
    void saleAtExcludedMcc6011CountsAsExcludedNotEligible() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 50_000).build(), "CASH", "6011", 60, true, "CN-ZJ"),
                spend(buy("s2", "M2", at("11:00"), 30_000)));

        assertThat(r.getEligibleSpendingMinor()).isEqualTo(30_000);
        assertThat(r.getExcludedSpendingMinor()).isEqualTo(50_000);
        assertThat(r.getSpendingByMccGroup()).containsExactly(entry("RETAIL", 30_000L));
        assertThat(r.getFeeRevenueMinor()).isEqualTo(180); // 300.00 x 0.60%, the excluded sale brings none
    }

    @Test
    void zeroFeeMerchantIsExcludedOnlyWhenItsProfileIsKnown() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 40_000).build(), "RETAIL", "5411", 0, true, "CN-ZJ"),
                spend(buy("s2", "M2", at("11:00"), 25_000).build(), "RETAIL", "5411", 0, false, "CN-ZJ"));

        assertThat(r.getExcludedSpendingMinor()).isEqualTo(40_000);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(25_000);
    }

    @Test
    void singlePurchaseOfExactly100000IsExcludedAnd99999_99Counts() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 10_000_000)),
                spend(buy("s2", "M2", at("11:00"), 9_999_999)));

        assertThat(r.getExcludedSpendingMinor()).isEqualTo(10_000_000);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(9_999_999);
    }

    @Test
    void instalmentAmountIsTheEligibleSalesMadeInInstalments() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 120_000).setInstallments(12)),
                spend(buy("s2", "M1", at("10:30"), 30_000)),
                spend(buy("s3", "M2", at("11:00"), 80_000).setInstallments(6).build(), "CASH", "6011", 60, true, "CN-ZJ"));

        assertThat(r.getInstalmentAmountMinor()).isEqualTo(120_000);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(150_000);
    }

    @Test
    void feeRevenueIsRoundedDownOncePerPeriodNotPerTransaction() throws Exception {
        // 0.99 x 0.60% = 0.594 fen each: rounded per transaction every fee would be 0.
        h.send(spend(buy("s1", "M1", at("10:00"), 99)), spend(buy("s2", "M2", at("10:10"), 99)),
                spend(buy("s3", "M3", at("10:20"), 99)));
        h.send(spend(buy("s4", "M4", "2026-11-24T10:00", 99)));
        h.watermark("2026-11-24T23:59");

        assertThat(h.day(DAY).getFeeRevenueMinor()).isEqualTo(1); // floor(1.782)
        assertThat(h.day("2026-11-24").getFeeRevenueMinor()).isZero(); // floor(0.594)
        assertThat(h.month("2026-11").getFeeRevenueMinor()).isEqualTo(2); // floor(2.376), not 1 + 0
    }

    @Test
    void spendingIsSplitByMccGroup() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 10_000).build(), "SUPERMARKET", "5411", 60, true, "CN-ZJ"),
                spend(buy("s2", "M2", at("11:00"), 20_000).build(), "DINING", "5812", 60, true, "CN-ZJ"),
                spend(buy("s3", "M3", at("12:00"), 5_000).build(), "SUPERMARKET", "5411", 60, true, "CN-ZJ"));

        assertThat(r.getSpendingByMccGroup()).containsOnly(entry("SUPERMARKET", 15_000L), entry("DINING", 20_000L));
    }

    @Test
    void distinctCounterpartiesAreTheDistinctMerchants() throws Exception {
        CustomerContribution r = dayOf(
                spend(buy("s1", "M1", at("10:00"), 1_000)),
                spend(buy("s2", "M1", at("11:00"), 2_000)),
                spend(buy("s3", "M2", at("12:00"), 3_000).build(), "CASH", "6011", 60, true, "CN-ZJ"));

        assertThat(r.getDistinctCounterparties()).isEqualTo(2);
    }

    @Test
    void transactionCountCountsExcludedSalesAndCompletionsButNotUndo() throws Exception {
        PosTransaction sale = buy("s1", "M1", at("10:00"), 10_000).build();
        CustomerContribution r = dayOf(
                spend(sale),
                spend(buy("s2", "M2", at("10:30"), 20_000).build(), "CASH", "6011", 60, true, "CN-ZJ"),
                spend(buy("s3", "M3", at("11:00"), 30_000).setType(TransactionType.PREAUTH_COMPLETION)),
                spend(undo(TransactionType.VOID, "v1", at("12:00"), 10_000, sale)));

        assertThat(r.getTransactionCount()).isEqualTo(3);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(30_000);
        assertThat(r.getExcludedSpendingMinor()).isEqualTo(20_000);
    }

    @Test
    void recordCarriesSubjectPeriodRegionAndTier() throws Exception {
        CustomerContribution r = dayOf(spend(buy("s1", "M1", at("10:00"), 10_000).setCustomerRegion("CN-ZJ")));

        assertThat(r.getSubjectType()).isEqualTo(ContributionSubject.CUSTOMER);
        assertThat(r.getSubjectId()).isEqualTo("C1");
        assertThat(r.getPeriodStart()).hasToString(DAY);
        assertThat(r.getPeriodEnd()).hasToString("2026-11-24");
        assertThat(r.getRegion()).isEqualTo("CN-ZJ");
        assertThat(r.getCurrency()).isEqualTo("CNY");
        assertThat(r.getTier()).isEqualTo(Tier.NOT_RATED);
        assertThat(r.getLastEventTime()).isEqualTo(Tx.local(at("10:00")));
        assertThat(r.getPolicyVersion()).isEqualTo(ContributionHarness.SHIPPED.customerContribution().policyVersion());
    }

    @Test
    void transactionInAnotherCurrencyIsIgnored() throws Exception {
        h.send(spend(buy("s1", "M1", at("10:00"), 10_000).setCurrency("USD"))).watermark("2026-11-26T00:00");

        assertThat(h.records()).isEmpty();
        assertThat(h.late()).isEmpty();
    }

    // ---- undo and refunds ----

    @Test
    void refundDaysLaterReducesTheRefundsPeriodNotTheSales() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-10-28T10:00", 50_000).build();
        h.send(spend(sale)).watermark("2026-10-28T23:00");
        h.send(spend(refund("r1", "2026-11-03T10:00", 20_000, sale))).watermark("2026-11-03T23:00");

        assertThat(h.day("2026-10-28").getEligibleSpendingMinor()).isEqualTo(50_000);
        assertThat(h.month("2026-10").getEligibleSpendingMinor()).isEqualTo(50_000);
        CustomerContribution refundDay = h.day("2026-11-03");
        assertThat(refundDay.getEligibleSpendingMinor()).isEqualTo(-20_000);
        assertThat(refundDay.getSpendingByMccGroup()).containsExactly(entry("RETAIL", -20_000L));
        assertThat(refundDay.getFeeRevenueMinor()).isEqualTo(-120);
        assertThat(refundDay.getTransactionCount()).isZero();
        assertThat(refundDay.getDistinctCounterparties()).isZero();
        assertThat(h.month("2026-11").getEligibleSpendingMinor()).isEqualTo(-20_000);
    }

    @Test
    void partialRefundsTakeBackAtMostTheRemainingAmountOfTheSale() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-11-20T10:00", 10_000).build();
        h.send(spend(sale));
        h.send(spend(refund("r1", "2026-11-21T10:00", 7_000, sale)));
        h.send(spend(refund("r2", "2026-11-22T10:00", 5_000, sale)));
        h.send(spend(refund("r3", "2026-11-23T10:00", 1_000, sale)));
        h.watermark("2026-11-23T23:00");

        assertThat(h.day("2026-11-21").getEligibleSpendingMinor()).isEqualTo(-7_000);
        assertThat(h.day("2026-11-22").getEligibleSpendingMinor()).isEqualTo(-3_000);
        assertThat(h.records(PeriodType.DAY, "2026-11-23")).as("nothing left to refund").isEmpty();
        assertThat(h.month("2026-11").getEligibleSpendingMinor()).isZero();
    }

    @Test
    void refundOfAnUnknownOrMissingOriginalReducesNothing() throws Exception {
        PosTransaction neverSeen = buy("unknown", "M1", "2026-11-01T10:00", 10_000).build();
        h.send(spend(refund("r1", at("10:00"), 10_000, neverSeen)));
        h.send(spend(buy("r2", "M1", at("11:00"), 10_000).setType(TransactionType.REFUND)));
        h.watermark("2026-12-03T00:00");

        assertThat(h.records()).isEmpty();
    }

    @Test
    void voidAndReversalOfTheSameSaleTakeItBackOnce() throws Exception {
        PosTransaction sale = buy("s1", "M1", at("10:00"), 30_000).setInstallments(3).build();
        CustomerContribution r = dayOf(
                spend(sale),
                spend(undo(TransactionType.VOID, "v1", at("10:05"), 30_000, sale)),
                spend(undo(TransactionType.REVERSAL, "x1", at("10:06"), 30_000, sale)));

        assertThat(r.getEligibleSpendingMinor()).isZero();
        assertThat(r.getInstalmentAmountMinor()).isZero();
        assertThat(r.getFeeRevenueMinor()).isZero();
        assertThat(r.getTransactionCount()).isEqualTo(1);
    }

    @Test
    void refundOfAnExcludedSaleReducesExcludedSpendingNotEligible() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-11-20T10:00", 50_000).build();
        h.send(spend(sale, "CASH", "6011", 60, true, "CN-ZJ"));
        // The refund's own merchant data would make it eligible: what counts is what the sale counted.
        h.send(spend(refund("r1", at("10:00"), 20_000, sale))).watermark(at("23:00"));

        CustomerContribution r = h.day(DAY);
        assertThat(r.getExcludedSpendingMinor()).isEqualTo(-20_000);
        assertThat(r.getEligibleSpendingMinor()).isZero();
        assertThat(r.getFeeRevenueMinor()).isZero();
        assertThat(h.month("2026-11").getExcludedSpendingMinor()).isEqualTo(30_000);
    }

    @Test
    void refundTakesBackInstalmentMccGroupAndFeeRateOfTheSale() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-11-20T10:00", 40_000).setInstallments(12).build();
        h.send(spend(sale, "DINING", "5812", 100, true, "CN-ZJ"));
        h.send(spend(refund("r1", at("10:00"), 10_000, sale), "RETAIL", "5411", 60, true, "CN-ZJ"))
                .watermark(at("23:00"));

        CustomerContribution r = h.day(DAY);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(-10_000);
        assertThat(r.getInstalmentAmountMinor()).isEqualTo(-10_000);
        assertThat(r.getSpendingByMccGroup()).containsExactly(entry("DINING", -10_000L));
        assertThat(r.getFeeRevenueMinor()).isEqualTo(-100);
    }

    @Test
    void refundWithinTheRefundWindowReducesTheRefundsPeriod() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-01-05T10:00", 10_000).build();
        h.send(spend(sale)).watermark("2026-07-03T11:00");
        h.send(spend(refund("r1", "2026-07-03T12:00", 10_000, sale))).watermark("2026-07-03T23:00"); // 179d 2h later

        assertThat(h.day("2026-07-03").getEligibleSpendingMinor()).isEqualTo(-10_000);
    }

    @Test
    void refundAfterTheRefundWindowReducesNothingEvenBeforeTheSaleIsForgotten() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-01-05T10:00", 10_000).build();
        h.send(spend(sale)).watermark("2026-07-04T11:00");
        h.send(spend(refund("r1", "2026-07-04T12:00", 10_000, sale))).watermark("2026-07-04T23:00");

        assertThat(h.records(PeriodType.DAY, "2026-07-04")).isEmpty();
    }

    @Test
    void refundAfterTheSaleWasForgottenReducesNothing() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-01-05T10:00", 10_000).build();
        h.send(spend(sale)).watermark("2026-08-05T11:00");
        h.send(spend(refund("r1", "2026-08-05T12:00", 10_000, sale))).watermark("2026-08-05T23:00");

        assertThat(h.records(PeriodType.DAY, "2026-08-05")).isEmpty();
    }

    // ---- state ----

    @Test
    void idleUnratedCustomerIsForgottenOnceItsMonthsAndSalesExpire() throws Exception {
        h.send(spend(buy("s1", "M1", "2026-01-10T10:00", 50))).monthsEvaluated("2026-01", "2027-01");
        assertThat(h.keysIn("months")).as("January 2026 is kept for 13 months").isEqualTo(1);

        h.monthsEvaluated("2027-02", "2027-02");

        assertThat(h.keysIn("subject")).isZero();
        assertThat(h.keysIn("months")).isZero();
        assertThat(h.keysIn("days")).isZero();
        assertThat(h.eventTimeTimers()).isZero();
    }

    @Test
    void forgottenSalesLeaveNoEntryBehind() throws Exception {
        h.send(spend(buy("s1", "M1", "2026-01-10T10:00", 50)));
        assertThat(h.keysIn(ContributionFunction.SALE_PRINTS)).isEqualTo(1);

        h.monthsEvaluated("2026-01", "2027-02");

        assertThat(h.keysIn(ContributionFunction.SALE_PRINTS)).isZero();
    }

    @Test
    void salesAreKeptByTheFingerprintOfTheirIdsNotByTheIds() throws Exception {
        h.send(spend(buy("s1", "M1", at("10:00"), 50)), spend(buy("s2", "M1", at("11:00"), 60)));

        assertThat(h.keysIn(ContributionFunction.SALE_PRINTS)).isEqualTo(1);
        assertThat(h.keysIn(ContributionFunction.SALES_BY_ID)).as("the map of earlier versions").isZero();
    }

    @Test
    void saleKeptByIdByAnEarlierVersionIsStillRefundedAndThenForgotten() throws Exception {
        PosTransaction sale = buy("s0", "M1", "2026-11-20T10:00", 50_000).build();
        SaleMemo memo = new SaleMemo();
        memo.eventTime = sale.getEventTime().toEpochMilli();
        memo.remainingMinor = 50_000;
        memo.eligible = true;
        memo.instalment = false;
        memo.feeRateBps = 60;
        memo.mccGroup = "DINING";
        h.storeSaleById(ContributionHarness.CUSTOMER, "s0", memo);

        h.send(spend(refund("r1", at("10:00"), 30_000, sale)));
        h.send(spend(refund("r2", at("11:00"), 30_000, sale))).watermark(at("23:00"));

        CustomerContribution r = h.day(DAY);
        assertThat(r.getEligibleSpendingMinor()).as("what was left of the sale, once").isEqualTo(-50_000);
        assertThat(r.getSpendingByMccGroup()).containsExactly(entry("DINING", -50_000L));
        assertThat(h.keysIn(ContributionFunction.SALES_BY_ID)).isEqualTo(1);

        h.monthsEvaluated("2026-11", "2027-06");

        assertThat(h.keysIn(ContributionFunction.SALES_BY_ID)).as("forgotten after the refund window").isZero();
    }

    @Test
    void unmatchedRefundLeavesNoStateBehind() throws Exception {
        PosTransaction neverSeen = buy("unknown", "M1", "2026-01-01T10:00", 10_000).setCustomerRegion("CN-ZJ").build();
        h.send(spend(refund("r1", at("10:00"), 10_000, neverSeen))).watermark("2028-11-23T00:00");

        assertThat(h.keysIn("subject")).isZero();
    }

    // ---- points of a period ----

    @ParameterizedTest(name = "{0} fen of spending -> {1} points")
    @CsvSource({"9999, 0", "10000, 1", "19999, 1", "20000, 2"})
    void onePointPer100OfEligibleSpending(long amount, long points) throws Exception {
        assertThat(dayOf(noFee(buy("s1", "M1", at("10:00"), amount).build())).getPoints()).isEqualTo(points);
    }

    @ParameterizedTest(name = "{0} fen in instalments -> {1} points")
    @CsvSource({"19999, 1", "20000, 3", "39999, 4"})
    void instalmentsEarnAHalfPointBonusPer100RoundedDown(long amount, long points) throws Exception {
        // 200.00: 2 + floor(200.00 x 50% / 100.00) = 3; 199.99: 1 + floor(0.99995) = 1
        CustomerContribution r = dayOf(noFee(buy("s1", "M1", at("10:00"), amount).setInstallments(6).build()));
        assertThat(r.getPoints()).isEqualTo(points);
    }

    @ParameterizedTest(name = "100.00 at {0} bps -> fee {1} fen -> {2} points")
    @CsvSource({"99, 99, 1", "100, 100, 2", "250, 250, 3"})
    void feeRevenueEarnsOnePointPer1_00(int bps, long fee, long points) throws Exception {
        CustomerContribution r = dayOf(spend(buy("s1", "M1", at("10:00"), 10_000).build(), "RETAIL", "5411", bps, true, "CN-ZJ"));
        assertThat(r.getFeeRevenueMinor()).isEqualTo(fee);
        assertThat(r.getPoints()).isEqualTo(points);
    }

    @Test
    void negativeNetSpendingOfAPeriodEarnsZeroPointsNotNegative() throws Exception {
        PosTransaction sale = buy("s1", "M1", "2026-10-20T10:00", 50_000).setInstallments(3).build();
        h.send(spend(sale)).watermark("2026-10-20T23:00");
        h.send(spend(refund("r1", at("10:00"), 50_000, sale)), noFee(buy("s2", "M2", at("11:00"), 10_000).build()))
                .watermark(at("23:00"));

        CustomerContribution r = h.day(DAY);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(-40_000);
        assertThat(r.getPoints()).isZero();
        assertThat(h.month("2026-11").getPoints()).isZero();
        assertThat(h.month("2026-10").getPoints()).isEqualTo(5 + 2 + 3); // spending, instalment bonus, fee 3.00
    }
}
