package io.posmon.operators;

import static io.posmon.testing.Tx.credit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.patterns.LargeRoundAmountCondition;
import io.posmon.operators.patterns.LargeRoundAmountsPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.operators.patterns.PatternRulesFunction;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.jobs.PosmonJob;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule 3 (shipped large-round-amounts): the condition at its boundaries, then the pattern operator end to end
 * on a small MiniCluster (one job for all scenarios, one merchant per scenario).
 */
class LargeRoundAmountsPatternTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final LargeRoundAmountsPattern PATTERN = RiskHarness.RULES.patterns().stream().filter(LargeRoundAmountsPattern.class::isInstance)
            .map(LargeRoundAmountsPattern.class::cast).findFirst().orElseThrow();
    private static final LargeRoundAmountCondition CONDITION = PATTERN.condition();
    private static final String DAY = "2026-11-23T";

    private static boolean accepts(PosTransaction tx) {
        boolean direct = CONDITION.accepts(tx);
        // The CEP operator sees candidates; the same predicate must hold there.
        assertThat(CONDITION.filter(PatternCandidate.of(tx, AlertFactory.snapshot(tx.getMerchantId(), null))))
                .isEqualTo(direct);
        return direct;
    }

    private static PosTransaction sale(long amount) {
        return credit("c", "M", DAY + "10:00:00", amount);
    }

    @Test
    void conditionAcceptsFrom5000YuanInWholeThousands() {
        assertThat(accepts(sale(500_000))).as("5,000.00: the minimum, a multiple").isTrue();
        assertThat(accepts(sale(400_000))).as("4,000.00: a multiple below the minimum").isFalse();
        assertThat(accepts(sale(500_001))).as("5,000.01: above the minimum, not a multiple").isFalse();
        assertThat(accepts(sale(599_999))).as("5,999.99").isFalse();
        assertThat(accepts(sale(600_000))).as("6,000.00").isTrue();
        assertThat(accepts(sale(550_000))).as("5,500.00: round, but not in thousands").isFalse();
        assertThat(accepts(sale(100_000_000_000L))).as("1,000,000,000.00").isTrue();
    }

    @Test
    void conditionTakesOnlyCreditSalesAndCompletionsInCny() {
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000)
                .setType(TransactionType.PREAUTH_COMPLETION).build())).isTrue();
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000).setCardType(CardType.DEBIT).build())).isFalse();
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000).setCardType(CardType.PREPAID).build())).isFalse();
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000).setType(TransactionType.REFUND).build())).isFalse();
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000).setType(TransactionType.VOID).build())).isFalse();
        assertThat(accepts(Tx.sale("c", "M", DAY + "10:00:00", 500_000).setCurrency("USD").build())).isFalse();
    }

    @Test
    void patternRaisesOneAlertPerBurstOfThreeWithinTheHour() throws Exception {
        List<PosTransaction> txs = new ArrayList<>();
        // A: three within 59:59.999, a non-matching sale in between (relaxed contiguity): one alert.
        txs.add(credit("A-1", "A", DAY + "11:00:00", 800_000));
        txs.add(credit("A-x", "A", DAY + "11:05:00", 999_999));
        txs.add(credit("A-2", "A", DAY + "11:30:00", 1_000_000));
        txs.add(credit("A-3", "A", DAY + "11:59:59.999", 600_000));
        // B: the third exactly 60 minutes after the first is outside the window [first, first + 60m): none.
        txs.add(credit("B-1", "B", DAY + "11:00:00", 500_000));
        txs.add(credit("B-2", "B", DAY + "11:30:00", 500_000));
        txs.add(credit("B-3", "B", DAY + "12:00:00", 500_000));
        // C: four in a burst: one alert (the next match would start after its last event), first three as evidence.
        for (int i = 1; i <= 4; i++) {
            txs.add(credit("C-" + i, "C", DAY + "13:0" + i + ":00", 700_000));
        }
        // D: six in a burst: two alerts.
        for (int i = 1; i <= 6; i++) {
            txs.add(credit("D-" + i, "D", DAY + "14:0" + i + ":00", 500_000));
        }

        Map<String, List<MerchantAlert>> byMerchant = run(txs).stream()
                .collect(Collectors.groupingBy(a -> a.getMerchant().getMerchantId()));

        assertThat(byMerchant).containsOnlyKeys("A", "C", "D");
        MerchantAlert a = byMerchant.get("A").get(0);
        assertThat(byMerchant.get("A")).hasSize(1);
        assertThat(Alerts.evidenceIds(a)).containsExactly("A-1", "A-2", "A-3");
        assertThat(a.getObservedAmountMinor()).isEqualTo(2_400_000L);
        assertThat(a.getObservedCount()).isEqualTo(3);
        assertThat(a.getWindowStart()).isEqualTo(Tx.local(DAY + "11:00:00"));
        assertThat(a.getWindowEnd()).isEqualTo(Tx.local(DAY + "12:00:00"));
        assertThat(a.getTriggeredAt()).isEqualTo(Tx.local(DAY + "11:59:59.999"));
        assertThat(a.getAlertId()).isEqualTo(AlertFactory.alertId("large-round-amounts", "A", "match:A-1"));
        assertThat(a.getRuleVersion()).isEqualTo(PATTERN.rule().version());
        assertThat(a.getMerchant().getName()).isEqualTo("Merchant A");

        assertThat(byMerchant.get("C")).singleElement()
                .satisfies(c -> assertThat(Alerts.evidenceIds(c)).containsExactly("C-1", "C-2", "C-3"));
        assertThat(byMerchant.get("D")).extracting(Alerts::evidenceIds).containsExactlyInAnyOrder(
                List.of("D-1", "D-2", "D-3"), List.of("D-4", "D-5", "D-6"));
    }

    /** The candidates (as the merchant operator would forward them) through the pattern operator. */
    private static List<MerchantAlert> run(List<PosTransaction> txs) throws Exception {
        List<RuleCandidate> candidates = new ArrayList<>();
        for (PosTransaction tx : txs.stream().sorted(Comparator.comparing(PosTransaction::getEventTime)).toList()) {
            PatternCandidate c = PatternCandidate.of(tx, AlertFactory.snapshot(tx.getMerchantId(),
                    Merchants.profile(tx.getMerchantId(), "5944", MerchantScale.MEDIUM).build()));
            candidates.add(new RuleCandidate(PATTERN.routeKey(c), 0, c));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        var stream = env.fromData(candidates, TypeInformation.of(RuleCandidate.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<RuleCandidate>forMonotonousTimestamps()
                        .withTimestampAssigner((c, ignored) -> c.candidate.transaction.eventTime))
                .keyBy(RuleCandidate::routeKey);
        var noRuleChanges = PosmonJob.noRuleUpdates(env).broadcast(LiveRules.IN_FORCE);
        List<MerchantAlert> alerts = new ArrayList<>();
        try (CloseableIterator<MerchantAlert> it = stream.connect(noRuleChanges)
                .process(new PatternRulesFunction(new LiveRules(RiskHarness.RULES)), new AvroTypeInfo<>(MerchantAlert.class))
                .executeAndCollect("large-round-amounts-test")) {
            it.forEachRemaining(alerts::add);
        }
        return alerts;
    }
}
