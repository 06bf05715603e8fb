package io.posmon.operators;

import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static io.posmon.testing.Tx.declined;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.AlertStage;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.Severity;
import io.posmon.testing.Merchants;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rules 4 and 5 (suspended merchant activity, personal settlement account), and alert identity. */
class MerchantStatusChecksTest {

    private static final String SUSPENDED_RULE = "suspended-merchant-activity";
    private static final String PERSONAL_RULE = "personal-settlement-account";
    private static final String DAY = "2026-11-23T";

    private RiskHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new RiskHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private static MerchantProfile.Builder retail(String id) {
        return Merchants.profile(id, "5311", MerchantScale.SMALL);
    }

    private static List<String> evidence(List<MerchantAlert> alerts) {
        return alerts.stream().flatMap(a -> Alerts.evidenceIds(a).stream()).collect(Collectors.toList());
    }

    @Test
    void everyApprovedTransactionOfASuspendedOrTerminatedMerchantAlerts() throws Exception {
        h.profile(retail("S").setStatus(MerchantStatus.SUSPENDED).build())
                .profile(retail("T").setStatus(MerchantStatus.TERMINATED).build());
        h.tx(credit("s1", "S", DAY + "12:00:00", 12_345),
                declined("s2", "S", DAY + "12:01:00", 12_345),
                debit("s3", "S", DAY + "12:02:00", 54_321),
                credit("t1", "T", DAY + "12:03:00", 100));

        List<MerchantAlert> alerts = h.alerts(SUSPENDED_RULE);
        assertThat(evidence(alerts)).containsExactly("s1", "s3", "t1");
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getRecommendedAction()).isEqualTo(RecommendedAction.SUSPEND);
            assertThat(a.getObservedCount()).isEqualTo(1);
            assertThat(a.getRuleVersion()).isEqualTo(RiskHarness.version(SUSPENDED_RULE));
        });
        assertThat(alerts).extracting(MerchantAlert::getObservedAmountMinor).containsExactly(12_345L, 54_321L, 100L);
        assertThat(alerts).extracting(MerchantAlert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void activeMerchantsAndMerchantsWithoutProfileDoNotAlert() throws Exception {
        h.profile(retail("A").build());
        h.tx(credit("a1", "A", DAY + "12:00:00", 12_345), credit("n1", "NOPROFILE", DAY + "12:00:00", 12_345));

        assertThat(h.alerts(SUSPENDED_RULE)).isEmpty();
    }

    @Test
    void theLatestProfileDecides() throws Exception {
        h.profile(retail("X").build());
        h.tx(credit("x1", "X", DAY + "12:00:00", 100));
        h.profile(retail("X").setStatus(MerchantStatus.SUSPENDED).build());
        h.tx(credit("x2", "X", DAY + "12:01:00", 100));
        h.profile(retail("X").build());
        h.tx(credit("x3", "X", DAY + "12:02:00", 100));

        assertThat(evidence(h.alerts(SUSPENDED_RULE))).containsExactly("x2");
    }

    @Test
    void personalSettlementAccountAlertsExactlyOnce() throws Exception {
        MerchantProfile personal = Merchants.profile("P", "5411", MerchantScale.MICRO)
                .setSettlementAccountType(SettlementAccountType.PERSONAL).build();
        h.profile(personal).profile(personal);
        h.tx(credit("p1", "P", DAY + "09:00:00", 4_321), credit("p2", "P", DAY + "09:01:00", 4_321));

        assertThat(h.alerts(PERSONAL_RULE)).singleElement().satisfies(a -> {
            assertThat(a.getStage()).isEqualTo(AlertStage.TRIGGERED);
            assertThat(a.getMerchant().getMerchantId()).isEqualTo("P");
            assertThat(a.getTriggeredAt()).isEqualTo(personal.getUpdatedAt());
            assertThat(a.getRuleVersion()).isEqualTo(RiskHarness.version(PERSONAL_RULE));
        });
    }

    @Test
    void corporateSettlementAccountDoesNotAlert() throws Exception {
        h.profile(Merchants.profile("C", "5411", MerchantScale.MICRO).build());
        h.tx(credit("c1", "C", DAY + "09:00:00", 4_321));

        assertThat(h.alerts(PERSONAL_RULE)).isEmpty();
    }

    @Test
    void theSameInputGivesTheSameAlertIds() throws Exception {
        List<String> first = alertIdsOfScenario();
        List<String> second = alertIdsOfScenario();

        assertThat(first).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates();
        assertThat(second).isEqualTo(first);
    }

    /** One alert of each keyed rule, in a fresh operator. */
    private static List<String> alertIdsOfScenario() throws Exception {
        try (RiskHarness run = new RiskHarness()) {
            run.profile(retail("S").setStatus(MerchantStatus.SUSPENDED).build())
                    .profile(Merchants.profile("P", "5411", MerchantScale.MICRO)
                            .setSettlementAccountType(SettlementAccountType.PERSONAL).build())
                    .profile(Merchants.profile("G", "5411", MerchantScale.MICRO).build());
            run.tx(credit("s1", "S", DAY + "12:00:00", 100),
                    credit("g1", "G", DAY + "12:00:00", 1_600_000),
                    credit("g2", "G", DAY + "12:10:00", 400_001));
            List<MerchantAlert> alerts = run.alerts();
            assertThat(alerts).extracting(MerchantAlert::getRuleId).contains(
                    SUSPENDED_RULE, PERSONAL_RULE, "daily-credit-limit", "volume-jump");
            assertThat(alerts).allSatisfy(a -> assertThat(a.getRuleVersion()).isEqualTo(RiskHarness.version(a.getRuleId())));
            return alerts.stream().map(MerchantAlert::getAlertId).collect(Collectors.toList());
        }
    }
    /**
     * engine.yaml dedupeHorizon (2d): a transaction id seen again within it is a retransmission and
     * ignored; ids are forgotten in steps of an eighth of it (6 hours, counted from the epoch in UTC),
     * so an id is forgotten at the end of the step in which its two days end. Seen here through the
     * suspended-merchant rule, which alerts on every approved transaction it processes.
     */
    @Test
    void aTransactionIdIsIgnoredWithinTheDedupeHorizonAndForgottenAfterIt() throws Exception {
        h.profile(retail("S").setStatus(MerchantStatus.SUSPENDED).build());
        // 12:00:01 local is 04:00:01 UTC; two days later its step ends at 06:00 UTC, 14:00 local.
        h.tx(credit("s1", "S", DAY + "12:00:01", 12_345));
        h.watermark("2026-11-25T13:59:59");
        h.tx(credit("s1", "S", "2026-11-25T14:00:00", 12_345));
        assertThat(evidence(h.alerts(SUSPENDED_RULE))).as("within two days and the cleanup step").containsExactly("s1");

        h.watermark("2026-11-25T14:00:00");
        h.tx(credit("s1", "S", "2026-11-25T14:00:01", 12_345));
        assertThat(evidence(h.alerts(SUSPENDED_RULE))).as("forgotten at the end of the step").containsExactly("s1", "s1");
    }
}
