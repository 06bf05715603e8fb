package io.posmon.operators;

import static io.posmon.operators.Alerts.brief;
import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static io.posmon.testing.Tx.declined;
import static io.posmon.testing.Tx.undo;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.AlertStage;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rule 1 (shipped daily-credit-limit) at its boundaries, in the per-merchant operator. */
class DailyCreditLimitCheckTest {

    private static final String RULE = "daily-credit-limit";
    private static final String M = "M1";
    /** GROCERY (MCC 5411) MICRO: 20,000.00 CNY in the shipped table; the warning is at 80% = 16,000.00. */
    private static final long LIMIT = 2_000_000L;
    private static final long WARNING = 1_600_000L;
    private static final String DAY = "2026-11-23T";

    private RiskHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new RiskHarness().profile(grocery(M).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private static MerchantProfile.Builder grocery(String id) {
        return Merchants.profile(id, "5411", MerchantScale.MICRO);
    }

    private List<MerchantAlert> alerts() {
        return h.alerts(RULE);
    }

    private static PosTransaction at(String id, String merchant, Instant time, long amount) {
        return Tx.sale(id, merchant, "2026-01-01T00:00:00", amount).setEventTime(time).build();
    }

    @Test
    void netExactlyAtTheLimitIsWithinIt_oneFenOverTriggers() throws Exception {
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT));
        assertThat(brief(alerts())).containsExactly("EARLY_WARNING 2026-11-23 2000000/2000000");

        h.tx(credit("b", M, DAY + "10:01:00", 1));
        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
        MerchantAlert triggered = alerts().get(1);
        assertThat(triggered.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(triggered.getRecommendedAction()).isEqualTo(RecommendedAction.REVIEW);
        assertThat(triggered.getRatioBps()).isEqualTo(10_000L);
        assertThat(triggered.getTriggeredAt()).isEqualTo(Tx.local(DAY + "10:01:00"));
        assertThat(triggered.getWindowStart()).isEqualTo(Instant.parse("2026-11-22T16:00:00Z"));
        assertThat(triggered.getWindowEnd()).isEqualTo(Instant.parse("2026-11-23T16:00:00Z"));
        assertThat(Alerts.evidenceIds(triggered)).containsExactly("a", "b");
    }

    @Test
    void earlyWarningAtExactly80Percent_notOneFenBelow() throws Exception {
        h.tx(credit("a", M, DAY + "10:00:00", WARNING - 1));
        assertThat(alerts()).isEmpty();

        h.tx(credit("b", M, DAY + "10:01:00", 1));
        assertThat(brief(alerts())).containsExactly("EARLY_WARNING 2026-11-23 1600000/2000000");
        assertThat(alerts().get(0).getSeverity()).isEqualTo(Severity.MEDIUM);

        h.tx(credit("c", M, DAY + "10:02:00", 100_000)); // 85%: still one warning
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void aSaleCrossingWarningAndLimitAtOnceGivesOnlyTriggered() throws Exception {
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT + 1));

        assertThat(brief(alerts())).containsExactly("TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void neverASecondAlertForTheSameMerchantAndDay() throws Exception {
        PosTransaction first = credit("a", M, DAY + "10:00:00", LIMIT + 1);
        h.tx(first);
        // More sales, then a void that takes the net back under the limit and a sale that crosses it again.
        h.tx(credit("b", M, DAY + "11:00:00", 500_000),
                undo(TransactionType.VOID, "v", M, DAY + "11:30:00", first),
                credit("c", M, DAY + "12:00:00", LIMIT));

        assertThat(alerts()).extracting(MerchantAlert::getStage).containsExactly(AlertStage.TRIGGERED);
    }

    @Test
    void theNextBusinessDayCanAlertAgain() throws Exception {
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT + 1),
                credit("b", M, "2026-11-24T10:00:00", LIMIT + 1));

        assertThat(brief(alerts())).containsExactly(
                "TRIGGERED 2026-11-23 2000001/2000000", "TRIGGERED 2026-11-24 2000001/2000000");
        assertThat(alerts()).extracting(MerchantAlert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void lastMillisecondBeforeLocalMidnightStillCountsForThatDay() throws Exception {
        // 23:59:59.999 Asia/Shanghai is 15:59:59.999Z.
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT),
                at("b", M, Instant.parse("2026-11-23T15:59:59.999Z"), 1));

        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void localMidnightStartsANewBusinessDay() throws Exception {
        // 00:00:00.000 Asia/Shanghai is 16:00:00.000Z: the fen lands on 24 November, a fresh day.
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT),
                at("b", M, Instant.parse("2026-11-23T16:00:00Z"), 1));

        assertThat(brief(alerts())).containsExactly("EARLY_WARNING 2026-11-23 2000000/2000000");
    }

    @Test
    void utcMidnightDoesNotSplitTheLocalBusinessDay() throws Exception {
        // 07:59:59.999 and 08:00 local are on two UTC days but on one Shanghai business day.
        h.tx(at("a", M, Instant.parse("2026-11-22T23:59:59.999Z"), LIMIT),
                at("b", M, Instant.parse("2026-11-23T00:00:00Z"), 1));

        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void aVoidAndThenAReversalOfTheSameSaleSubtractOnlyOnce() throws Exception {
        PosTransaction a = credit("a", M, DAY + "10:00:00", 1_500_000);
        h.tx(a, credit("b", M, DAY + "10:01:00", 500_000),           // net 20,000.00: warning, at the limit
                undo(TransactionType.VOID, "v", M, DAY + "10:02:00", a),     // net 5,000.00
                undo(TransactionType.REVERSAL, "r", M, DAY + "10:03:00", a), // already undone: still 5,000.00
                credit("c", M, DAY + "10:04:00", 1_500_001));        // net 20,000.01

        // Had the reversal subtracted again, c would leave the net at 5,000.01; had the void not, c would trip at 35,000.01.
        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
        assertThat(Alerts.evidenceIds(alerts().get(1))).containsExactly("b", "c");
    }

    @Test
    void onlyVoidsOfApprovedCreditSalesSubtract() throws Exception {
        PosTransaction declinedSale = declined("d", M, DAY + "10:01:00", 900_000);
        PosTransaction debitSale = debit("e", M, DAY + "10:02:00", 900_000);
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT), declinedSale, debitSale,
                undo(TransactionType.VOID, "vd", M, DAY + "10:03:00", declinedSale),
                // A void presented with a credit card whose original was a debit sale.
                Tx.sale("ve", M, DAY + "10:04:00", 900_000).setType(TransactionType.VOID)
                        .setOriginalTransactionId("e").build(),
                Tx.sale("vx", M, DAY + "10:05:00", 900_000).setType(TransactionType.REVERSAL)
                        .setOriginalTransactionId("never-seen").build(),
                Tx.sale("vn", M, DAY + "10:06:00", 900_000).setType(TransactionType.VOID).build(), // no original id
                credit("f", M, DAY + "10:07:00", 1));

        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void aDeclinedVoidDoesNotUndoTheSale() throws Exception {
        PosTransaction a = credit("a", M, DAY + "10:00:00", LIMIT);
        h.tx(a, Tx.sale("v", M, DAY + "10:01:00", LIMIT).setType(TransactionType.VOID).setOriginalTransactionId("a")
                        .setStatus(io.posmon.schema.TransactionStatus.DECLINED).build(),
                credit("b", M, DAY + "10:02:00", 1));

        assertThat(alerts()).extracting(MerchantAlert::getStage)
                .containsExactly(AlertStage.EARLY_WARNING, AlertStage.TRIGGERED);
    }

    @Test
    void declinedDebitPrepaidAndRefundsDoNotCount() throws Exception {
        h.tx(declined("a", M, DAY + "10:00:00", LIMIT + 1),
                debit("b", M, DAY + "10:01:00", LIMIT + 1),
                Tx.sale("c", M, DAY + "10:02:00", LIMIT + 1).setCardType(CardType.PREPAID).build(),
                Tx.sale("d", M, DAY + "10:03:00", LIMIT + 1).setType(TransactionType.REFUND).build(),
                Tx.sale("e", M, DAY + "10:04:00", LIMIT + 1).setCurrency("USD").build());
        assertThat(alerts()).isEmpty();

        h.tx(credit("f", M, DAY + "10:05:00", LIMIT)); // nothing above was counted: f alone is at the limit
        assertThat(brief(alerts())).containsExactly("EARLY_WARNING 2026-11-23 2000000/2000000");
    }

    @Test
    void preAuthCompletionsCountLikeSales() throws Exception {
        h.tx(Tx.sale("a", M, DAY + "10:00:00", LIMIT + 1).setType(TransactionType.PREAUTH_COMPLETION).build());

        assertThat(brief(alerts())).containsExactly("TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void aRetransmittedTransactionIdIsCountedOnce() throws Exception {
        PosTransaction a = credit("a", M, DAY + "10:00:00", LIMIT);
        h.tx(a, a, credit("a", M, DAY + "10:05:00", 999)); // same id, even with other content
        assertThat(alerts()).extracting(MerchantAlert::getStage).containsExactly(AlertStage.EARLY_WARNING);

        h.tx(credit("b", M, DAY + "10:06:00", 1));
        assertThat(brief(alerts())).endsWith("TRIGGERED 2026-11-23 2000001/2000000");
    }

    @Test
    void theProfilesOwnLimitOverridesTheTable() throws Exception {
        h.profile(grocery("M2").setDailyCreditLimitMinor(500_000L).build());
        h.tx(credit("a", "M2", DAY + "10:00:00", 500_000));
        assertThat(alerts()).extracting(MerchantAlert::getStage).containsExactly(AlertStage.EARLY_WARNING);

        h.tx(credit("b", "M2", DAY + "10:01:00", 1));
        assertThat(brief(alerts())).endsWith("TRIGGERED 2026-11-23 500001/500000");
    }

    @Test
    void theTableLimitFollowsMccGroupAndScale() throws Exception {
        // JEWELRY_LUXURY (5944) SMALL: 300,000.00; an MCC in no group (0742) MEDIUM: OTHER, 200,000.00.
        h.profile(Merchants.profile("J", "5944", MerchantScale.SMALL).build())
                .profile(Merchants.profile("O", "0742", MerchantScale.MEDIUM).build());
        h.tx(credit("j1", "J", DAY + "10:00:00", 30_000_000), credit("o1", "O", DAY + "10:00:00", 20_000_000));
        assertThat(alerts()).extracting(MerchantAlert::getStage).containsOnly(AlertStage.EARLY_WARNING);

        h.tx(credit("j2", "J", DAY + "10:01:00", 1), credit("o2", "O", DAY + "10:01:00", 1));
        assertThat(brief(alerts())).contains(
                "TRIGGERED 2026-11-23 30000001/30000000", "TRIGGERED 2026-11-23 20000001/20000000");
    }

    @Test
    void aMerchantWithoutProfileUsesTheUnknownMerchantLimit() throws Exception {
        h.tx(credit("a", "NOPROFILE", DAY + "10:00:00", 2_000_000), credit("b", "NOPROFILE", DAY + "10:01:00", 1));

        assertThat(brief(alerts())).containsExactly(
                "EARLY_WARNING 2026-11-23 2000000/2000000", "TRIGGERED 2026-11-23 2000001/2000000");
        MerchantAlert triggered = alerts().get(1);
        assertThat(triggered.getMerchant().getMerchantId()).isEqualTo("NOPROFILE");
        assertThat(triggered.getMerchant().getProfileKnown()).isFalse();
        assertThat(triggered.getMerchant().getName()).isNull();
    }

    @Test
    void anEventAtOrBehindTheWatermarkIsLateAndNotCounted() throws Exception {
        // allowedLateness is 0s: an event exactly at the watermark is already late.
        h.watermark(DAY + "12:00:00");
        PosTransaction late = credit("late", M, DAY + "12:00:00", LIMIT + 1);
        PosTransaction earlier = credit("earlier", M, DAY + "11:00:00", LIMIT + 1);
        h.tx(late, earlier);

        assertThat(h.late()).containsExactly(late, earlier);
        assertThat(alerts()).isEmpty();

        h.tx(at("ontime", M, Tx.local(DAY + "12:00:00").plusMillis(1), LIMIT)); // one ms after the watermark: in time
        assertThat(h.late()).hasSize(2);
        assertThat(brief(alerts())).containsExactly("EARLY_WARNING 2026-11-23 2000000/2000000");
    }

    @Test
    void alertsCarryTheRuleVersion() throws Exception {
        h.tx(credit("a", M, DAY + "10:00:00", LIMIT + 1));

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getRuleVersion()).isEqualTo(RiskHarness.version(RULE)).isNotBlank();
            assertThat(a.getKind()).isEqualTo(io.posmon.schema.AlertKind.DAILY_CREDIT_LIMIT);
        });
    }
}
