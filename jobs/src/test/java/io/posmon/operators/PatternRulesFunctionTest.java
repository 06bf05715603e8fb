package io.posmon.operators;

import static io.posmon.testing.Tx.credit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.operators.patterns.PatternRulesFunction;
import io.posmon.operators.patterns.PatternRulesOperator;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.snapshot.RuleSnapshots;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pattern operator while rules change: shipped rules in force (sequence 0), then a rule set
 * where large-round-amounts takes two sales instead of three (sequence 1). The merchant operator
 * and this one receive rule sets independently, so either may be ahead of the other.
 */
class PatternRulesFunctionTest {

    private static final String DAY = "2026-11-23T";
    private static RuleSetSnapshot twoSales;
    private static CompiledPattern before;
    private static CompiledPattern after;

    @BeforeAll
    static void ruleSets(@TempDir Path tmp) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("../rules"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.writeString(tmp.resolve(f.getFileName()), Files.readString(f).replace("minCount: 3\n", "minCount: 2\n"));
            }
        }
        twoSales = RuleSnapshots.fromDirectory(tmp, "test");
        before = largeRound(RiskHarness.RULES);
        after = largeRound(RuleSnapshots.compile(twoSales).rules());
        assertThat(after.rule().version()).isNotEqualTo(before.rule().version());
    }

    private static CompiledPattern largeRound(CompiledRules rules) {
        return rules.patterns().stream().filter(p -> p.rule().id().equals("large-round-amounts")).findFirst().orElseThrow();
    }

    /**
     * @param buffered under {@link PatternRulesOperator} (candidates held for the watermark, state
     *                 written back before each barrier), as the job runs it; else the function alone
     *                 under Flink's operator (candidates queued per key with a timer, state written
     *                 at each call), as state from before the operator was written
     */
    private static KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> harness(
            boolean buffered) throws Exception {
        PatternRulesFunction function = new PatternRulesFunction(new LiveRules(RiskHarness.RULES));
        KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> h;
        if (buffered) {
            h = new KeyedBroadcastOperatorTestHarness<>(new PatternRulesOperator(function), RuleCandidate::routeKey,
                    Types.STRING, 1, 1, 0);
            h.setup();
            h.open();
        } else {
            h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function, RuleCandidate::routeKey,
                    Types.STRING, LiveRules.IN_FORCE);
        }
        h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        return h;
    }

    private static RuleCandidate candidate(CompiledPattern rule, long sequence, String id, String time) throws Exception {
        PosTransaction tx = credit(id, "M", DAY + time, 800_000);
        PatternCandidate c = PatternCandidate.of(tx, AlertFactory.snapshot("M",
                Merchants.profile("M", "5944", MerchantScale.MEDIUM).build()));
        return new RuleCandidate(rule.routeKey(c), sequence, c);
    }

    private static void send(Steps h, RuleCandidate c) throws Exception {
        h.get().processElement(c, c.candidate.transaction.eventTime);
    }

    /** Holds the harness so helpers read like the steps of each test. */
    private record Steps(KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> get) {
        void watermark(String time) throws Exception {
            get.processWatermark(new Watermark(Tx.local(DAY + time).toEpochMilli()));
        }
    }

    /** Keyed state entries of every key (the harness runs the heap state backend), once the state cache is written. */
    private static int stateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        h.prepareSnapshotPreBarrier(0);
        var operator = (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.getOperator();
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    @ParameterizedTest(name = "buffered {0}")
    @ValueSource(booleans = {false, true})
    void candidatesChosenUnderARuleSetNotYetReceivedWaitForIt(boolean buffered) throws Exception {
        try (var h = harness(buffered)) {
            Steps t = new Steps(h);
            send(t, candidate(after, 1, "T1", "10:00:00"));
            send(t, candidate(after, 1, "T2", "10:05:00"));
            t.watermark("10:30:00");
            assertThat(h.extractOutputValues()).as("the edited rule is not known here yet").isEmpty();

            h.processBroadcastElement(twoSales, 0);
            t.watermark("10:31:00");
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.getRuleId()).isEqualTo("large-round-amounts");
                assertThat(a.getRuleVersion()).isEqualTo(after.rule().version());
                assertThat(Alerts.evidenceIds(a)).containsExactly("T1", "T2");
            });
        }
    }

    /**
     * One watermark step passes a partial match's window end and candidates after it: the window's
     * timer times out only what is older than its own time, and each later candidate meets the
     * partial matches as they were at its time (large-round-amounts: three within 60 minutes).
     */
    @ParameterizedTest(name = "buffered {0}")
    @ValueSource(booleans = {false, true})
    void aWindowEndAndLaterCandidatesInOneWatermarkStepAreTakenInTimeOrder(boolean buffered) throws Exception {
        try (var h = harness(buffered)) {
            Steps t = new Steps(h);
            send(t, candidate(before, 0, "T1", "10:00:00"));
            send(t, candidate(before, 0, "T2", "10:30:00"));
            t.watermark("10:31:00");
            send(t, candidate(before, 0, "T3", "10:59:59"));
            send(t, candidate(before, 0, "T4", "11:05:00"));
            send(t, candidate(before, 0, "T5", "11:40:00"));
            t.watermark("12:00:00");
            assertThat(h.extractOutputValues()).singleElement().satisfies(a ->
                    assertThat(Alerts.evidenceIds(a)).as("T1..T3 within the hour; the next match starts after T3")
                            .containsExactly("T1", "T2", "T3"));

            send(t, candidate(before, 0, "T6", "12:10:00"));
            send(t, candidate(before, 0, "T7", "12:20:00"));
            t.watermark("13:30:00");
            assertThat(h.extractOutputValues()).hasSize(2).last().satisfies(a ->
                    assertThat(Alerts.evidenceIds(a)).as("T4 is more than an hour before T7, T5 within it")
                            .containsExactly("T5", "T6", "T7"));
            assertThat(stateEntries(h)).as("every timer has fired: nothing left").isZero();
        }
    }

    @ParameterizedTest(name = "buffered {0}")
    @ValueSource(booleans = {false, true})
    void aReplacedRuleVersionsPartialMatchesAreClearedAndItsLateCandidatesDropped(boolean buffered) throws Exception {
        try (var h = harness(buffered)) {
            Steps t = new Steps(h);
            send(t, candidate(before, 0, "T1", "10:00:00"));
            send(t, candidate(before, 0, "T2", "10:05:00"));
            t.watermark("10:06:00");
            assertThat(stateEntries(h)).as("a partial match of two of three").isPositive();

            h.processBroadcastElement(twoSales, 0);
            assertThat(stateEntries(h)).as("the old version's state is gone").isZero();

            // The merchant operator was still under the old rules for this one: it is dropped, not matched.
            send(t, candidate(before, 0, "T3", "10:10:00"));
            t.watermark("10:30:00");
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(stateEntries(h)).isZero();
        }
    }

    @ParameterizedTest(name = "buffered {0}")
    @ValueSource(booleans = {false, true})
    void anUnchangedRuleKeepsItsPartialMatchesAcrossARuleChange(boolean buffered) throws Exception {
        CompiledPattern identical = RuleSnapshots.compile(twoSales).rules().patterns().stream()
                .filter(p -> p.rule().id().equals("repeated-identical-amounts")).findFirst().orElseThrow();
        CompiledPattern shipped = RiskHarness.RULES.patterns().stream()
                .filter(p -> p.rule().id().equals("repeated-identical-amounts")).findFirst().orElseThrow();
        assertThat(identical.rule().version()).isEqualTo(shipped.rule().version());
        try (var h = harness(buffered)) {
            Steps t = new Steps(h);
            send(t, candidate(shipped, 0, "R1", "10:00:00"));
            send(t, candidate(shipped, 0, "R2", "10:05:00"));
            t.watermark("10:06:00");
            h.processBroadcastElement(twoSales, 0);
            send(t, candidate(identical, 1, "R3", "10:10:00"));
            send(t, candidate(identical, 1, "R4", "10:15:00"));
            t.watermark("10:30:00");
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.getRuleId()).isEqualTo("repeated-identical-amounts");
                assertThat(Alerts.evidenceIds(a)).containsExactly("R1", "R2", "R3", "R4");
            });
        }
    }

    @ParameterizedTest(name = "buffered {0}")
    @ValueSource(booleans = {false, true})
    void anInvalidRuleSetChangesNothing(boolean buffered) throws Exception {
        RuleSetSnapshot broken = RuleSetSnapshot.newBuilder(twoSales).setVersion("broken")
                .setFiles(java.util.Map.of("merchant-risk.yaml", "rules: [")).build();
        try (var h = harness(buffered)) {
            Steps t = new Steps(h);
            h.processBroadcastElement(broken, 0);
            for (String[] tx : List.of(new String[] {"T1", "10:00:00"}, new String[] {"T2", "10:05:00"},
                    new String[] {"T3", "10:10:00"})) {
                send(t, candidate(before, 0, tx[0], tx[1]));
            }
            t.watermark("10:30:00");
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(a -> assertThat(a.getRuleVersion()).isEqualTo(before.rule().version()));
        }
    }
}
