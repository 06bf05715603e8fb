package io.posmon.operators.contribution;

import static io.posmon.operators.contribution.ContributionHarness.refund;
import static io.posmon.operators.contribution.ContributionHarness.spend;
import static io.posmon.operators.contribution.ContributionHarness.undo;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.ContributionSubject;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.Tier;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Tx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Merchant records: acquiring volume net of undo, distinct cards, fee revenue; no tiers. */
class MerchantContributionTest {

    private static final String DAY = "2026-11-23";

    private final ContributionHarness h = ContributionHarness.merchants();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** A sale at merchant M1 (6011 cash: excluded for customers, not for merchants) on a card. */
    private static PosTransaction sale(String id, String time, long amount, String card, String customer) {
        return Tx.sale(id, "M1", DAY + "T" + time, amount).setCardToken(card).setCustomerId(customer).build();
    }

    private static SpendEvent atM1(PosTransaction tx) {
        return spend(tx, "CASH", "6011", 60, true, "CN-SH");
    }

    @Test
    void volumeIsAllSalesNetOfUndoWithDistinctCardsAndFeeRevenue() throws Exception {
        PosTransaction first = sale("s1", "10:00", 10_000, "tok_A", "C1");
        PosTransaction second = sale("s2", "11:00", 20_000, "tok_A", null);
        PosTransaction third = sale("s3", "12:00", 30_003, "tok_B", "C2");
        h.send(atM1(first), atM1(second), atM1(third),
                atM1(refund("r1", DAY + "T13:00", 5_000, second)),
                atM1(undo(TransactionType.VOID, "v1", DAY + "T14:00", 10_000, first)));
        h.watermark(DAY + "T23:00");

        CustomerContribution r = h.day(DAY);
        assertThat(r.getSubjectType()).isEqualTo(ContributionSubject.MERCHANT);
        assertThat(r.getSubjectId()).isEqualTo("M1");
        assertThat(r.getRegion()).isEqualTo("CN-SH");
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(45_003);
        assertThat(r.getExcludedSpendingMinor()).isZero();
        assertThat(r.getTransactionCount()).isEqualTo(3);
        assertThat(r.getDistinctCounterparties()).as("tok_A, tok_B").isEqualTo(2);
        assertThat(r.getFeeRevenueMinor()).isEqualTo(270); // floor(450.03 x 0.60% = 270.018 fen)
        assertThat(r.getTier()).isEqualTo(Tier.NOT_RATED);
    }

    @Test
    void zeroFeeAndLargePurchasesCountForMerchants() throws Exception {
        h.send(spend(sale("s1", "10:00", 10_000_000, "tok_A", "C1"), "AUTO", "5511", 0, true, "CN-ZJ"));
        h.watermark(DAY + "T23:00");

        CustomerContribution r = h.day(DAY);
        assertThat(r.getEligibleSpendingMinor()).isEqualTo(10_000_000);
        assertThat(r.getFeeRevenueMinor()).isZero();
        assertThat(r.getPoints()).as("100,000.00 / 10,000.00").isEqualTo(10);
    }

    @Test
    void merchantPointsCountVolumePer10000AndFeePer10() throws Exception {
        // 19,999.99 at 1.00%: floor(1.9999999) = 1 volume point + floor(199.9999 / 10.00) = 19 fee points
        h.send(spend(sale("s1", "10:00", 1_999_999, "tok_A", null), "RETAIL", "5411", 100, true, "CN-ZJ"));
        h.watermark(DAY + "T23:00");

        CustomerContribution r = h.day(DAY);
        assertThat(r.getFeeRevenueMinor()).isEqualTo(19_999);
        assertThat(r.getPoints()).isEqualTo(1 + 19);
    }

    @Test
    void merchantsHaveNoTierChanges() throws Exception {
        h.send(atM1(sale("s1", "10:00", 9_000_000, "tok_A", "C1")));
        h.monthsEvaluated("2026-11", "2026-12");

        assertThat(h.tierChanges()).isEmpty();
        assertThat(h.month("2026-11").getIsFinal()).isTrue();
        assertThat(h.month("2026-11").getTier()).isEqualTo(Tier.NOT_RATED);
    }

    @Test
    void aMonthBegunBeforeTheFingerprintsGoesOnCountingItsCardsFromTheMapState() throws Exception {
        PeriodFigures october = new PeriodFigures();
        october.count = 2;
        october.eligibleMinor = 30_000;
        october.distinctCounterparties = 2;
        october.lastEventTime = Tx.local("2026-10-20T10:00").toEpochMilli();
        h.storeMonthBeforeFingerprints("M1", "2026-10", october, "tok_A", "tok_B");
        h.send(atM1(Tx.sale("o1", "M1", "2026-10-23T10:00", 1_000).setCardToken("tok_A").build()),
                atM1(Tx.sale("o2", "M1", "2026-10-23T11:00", 1_000).setCardToken("tok_C").build()),
                atM1(Tx.sale("o3", "M1", "2026-10-23T12:00", 1_000).setCardToken("tok_C").build()));
        h.watermark("2026-10-23T23:00");

        assertThat(h.month("2026-10").getDistinctCounterparties()).as("tok_A, tok_B before; tok_C").isEqualTo(3);
        assertThat(h.month("2026-10").getTransactionCount()).isEqualTo(5);
        assertThat(h.day("2026-10-23").getDistinctCounterparties()).as("a new day: fingerprints").isEqualTo(2);
        assertThat(h.counterpartyIdsInMapState("M1")).hasSize(3);

        // Its closing timer was the old operator's (a timer of its first sale): here the emission after a sale does it.
        h.send(atM1(Tx.sale("n1", "M1", "2026-11-02T00:00:30", 1_000).setCardToken("tok_A").build()));
        h.watermark("2026-11-02T00:02");
        assertThat(h.month("2026-10").getDistinctCounterparties()).isEqualTo(3);
        assertThat(h.month("2026-10").getIsFinal()).isTrue();
        assertThat(h.counterpartyIdsInMapState("M1")).as("forgotten when the month closed").isEmpty();
    }

    @Test
    void distinctCardsOfADayAndAMonthAcrossDays() throws Exception {
        for (int day = 1; day <= 3; day++) {
            for (int card = 0; card < 40; card++) {
                // Day d sees cards 20(d-1) .. 20(d-1)+39: half of them seen the day before.
                String token = "tok_" + (20 * (day - 1) + card);
                h.send(atM1(Tx.sale("d" + day + "c" + card, "M1", "2026-11-0" + day + "T10:" + String.format("%02d", card), 100)
                        .setCardToken(token).build()));
            }
        }
        h.watermark("2026-11-03T23:00");
        assertThat(h.day("2026-11-01").getDistinctCounterparties()).isEqualTo(40);
        assertThat(h.day("2026-11-03").getDistinctCounterparties()).isEqualTo(40);
        assertThat(h.month("2026-11").getDistinctCounterparties()).as("tok_0 .. tok_79").isEqualTo(80);
        assertThat(h.month("2026-11").getTransactionCount()).isEqualTo(120);
    }
}
