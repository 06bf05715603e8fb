package io.posmon.operators.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.LiveRules;
import io.posmon.operators.state.StateCachingOperators;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantSnapshot;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CountedStepsMatcher} against flink-cep: the same random candidates and watermarks through the
 * pattern operator twice, once with every rule on flink-cep's NFA and once with the counted runtime,
 * must give the same alerts in the same order. The rules are the shipped pattern rules and random
 * authored ones (one to three steps of one to four transactions, conditions that read the matches so
 * far, windows of 20 minutes to 2 hours); the input is three merchants' candidates with ties in event
 * time, a little disorder, and watermarks at random points, over about a day.
 */
class CountedStepsMatcherTest {

    private static final String[] WHEN = {
        "true",
        "tx.amountMinor >= 100000",
        "tx.cardToken != 'k1'",
        "!matched.s0.exists(m, m.cardToken == tx.cardToken)",
        "!matched.s1.exists(m, m.cardToken == tx.cardToken)",
        "tx.hourOfDay % 2 == 0",
    };
    /** Conditions that read an earlier step's first transaction: only for steps after the first. */
    private static final String[] WHEN_LATER = {
        "tx.amountMinor == matched.s0[0].amountMinor",
        "tx.cardToken == matched.s0[0].cardToken",
        "tx.amountMinor > matched.s0[0].amountMinor || matched.s1.size() > 0",
    };
    private static final String[] WITHIN = {"20m", "45m", "1h", "2h"};
    private static final long[] AMOUNTS = {50_000, 100_000, 100_000, 200_000, 1_234_500, 300_000};

    private static CompiledRules rules;
    private static List<CompiledPattern> patterns;

    @BeforeAll
    static void rules(@TempDir Path dir) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("../rules"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path authored = dir.resolve("authored-patterns.yaml");
        String shipped = Files.readString(authored);
        Files.writeString(authored, shipped.replaceFirst("(?m)^rules:\n", "rules:\n" + randomRules(new Random(7), 12)));
        rules = RuleCompiler.compile(RuleSetLoader.load(dir));
        patterns = rules.patterns();
        assertThat(patterns).as("shipped and random pattern rules").hasSizeGreaterThan(12);
        assertThat(patterns).allSatisfy(p -> assertThat(p.countedSteps()).as(p.rule().id()).isNotNull());
    }

    private static String randomRules(Random random, int count) {
        StringBuilder yaml = new StringBuilder();
        for (int r = 0; r < count; r++) {
            yaml.append("  - id: random-").append(r).append('\n')
                    .append("    kind: AUTHORED_PATTERN\n    severity: LOW\n    action: REVIEW\n")
                    .append("    description: random pattern ").append(r).append('\n')
                    .append("    params:\n")
                    .append("      candidates: \"").append(random.nextBoolean() ? "true" : "tx.amountMinor >= 100000").append("\"\n")
                    .append("      within: ").append(WITHIN[random.nextInt(WITHIN.length)]).append('\n')
                    .append("      steps:\n");
            int steps = 1 + random.nextInt(3);
            for (int s = 0; s < steps; s++) {
                String when = s > 0 && random.nextInt(3) == 0
                        ? WHEN_LATER[random.nextInt(WHEN_LATER.length)] : WHEN[random.nextInt(WHEN.length)];
                yaml.append("        - name: s").append(s).append('\n')
                        .append("          when: \"").append(when).append("\"\n")
                        .append("          times: ").append(1 + random.nextInt(4)).append('\n');
            }
        }
        return yaml.toString();
    }

    /** One candidate as the merchant operator would send it to each rule that accepts it. */
    private record Sent(long time, List<RuleCandidate> routed) {
    }

    private static List<Sent> randomInput(long seed, int count) throws Exception {
        Random random = new Random(seed);
        String[] merchants = {"M1", "M2", "M3"};
        Map<String, MerchantSnapshot> snapshots = new HashMap<>();
        for (String m : merchants) {
            snapshots.put(m, AlertFactory.snapshot(m, Merchants.profile(m, "5311", MerchantScale.LARGE).build()));
        }
        long time = Tx.local("2026-11-23T00:00:00").toEpochMilli();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            time += random.nextInt(4) == 0 ? 0 : 1_000L * random.nextInt(15 * 60);
            String merchant = merchants[random.nextInt(merchants.length)];
            ZonedDateTime local = Instant.ofEpochMilli(time).atZone(Tx.SHANGHAI);
            PosTransaction tx = Tx.credit("T" + i, merchant, local.toLocalDateTime().toString(), AMOUNTS[random.nextInt(AMOUNTS.length)]);
            tx.setCardToken("k" + (1 + random.nextInt(5)));
            tx.setCustomerId(random.nextBoolean() ? "C1" : "C2");
            PatternCandidate c = PatternCandidate.of(tx, snapshots.get(merchant));
            c.customerId = tx.getCustomerId();
            c.cardToken = tx.getCardToken();
            c.terminalId = tx.getTerminalId();
            c.entryMode = tx.getEntryMode().name();
            c.hourOfDay = local.getHour();
            c.dayOfWeek = local.getDayOfWeek().getValue();
            c.mccGroup = "GROCERY";
            List<RuleCandidate> routed = new ArrayList<>();
            for (CompiledPattern p : patterns) {
                if (p.accepts(tx, () -> c)) {
                    routed.add(new RuleCandidate(p.routeKey(c), 0, c));
                }
            }
            sent.add(new Sent(time, routed));
        }
        // A little disorder: neighbours swapped, as records of two sources interleave.
        for (int i = 1; i < sent.size(); i++) {
            if (random.nextInt(5) == 0) {
                sent.set(i - 1, sent.set(i, sent.get(i - 1)));
            }
        }
        return sent;
    }

    /**
     * How a run's operator is built: its function, and whether candidates wait for the watermark in
     * {@link PatternRulesOperator}'s buffer or, as before it, in each key's queue with a timer.
     */
    private record Op(Function<LiveRules, PatternRulesFunction> function, boolean buffered) {
        static Op queued(Function<LiveRules, PatternRulesFunction> function) {
            return new Op(function, false);
        }

        static Op buffered(Function<LiveRules, PatternRulesFunction> function) {
            return new Op(function, true);
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> harness(
            Op op, OperatorSubtaskState restored) throws Exception {
        // One key group: after a restore, timers of one time fire in the order they had (the
        // comparisons with flink-cep's order of alerts rely on it).
        return harness(op, restored, 1, 1, 0);
    }

    /** Key groups of the rescaling test. */
    private static final int MAX_PARALLELISM = 128;

    private static KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> harness(
            Op op, OperatorSubtaskState restored, int maxParallelism, int parallelism, int subtask) throws Exception {
        PatternRulesFunction function = op.function().apply(new LiveRules(rules));
        var h = new KeyedBroadcastOperatorTestHarness<>(
                op.buffered() ? new PatternRulesOperator(function)
                        : new StateCachingOperators.Broadcast<>(function, List.of(LiveRules.IN_FORCE)),
                RuleCandidate::routeKey, Types.STRING, maxParallelism, parallelism, subtask);
        h.setup();
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        return h;
    }

    /**
     * Feeds {@code input} to a harness of {@code first}, and from candidate {@code switchAt} on to a
     * harness of {@code second} restored from a snapshot of the first; returns every alert in order.
     */
    private static List<String> run(List<Sent> input, Function<LiveRules, PatternRulesFunction> first,
                                    int switchAt, Function<LiveRules, PatternRulesFunction> second) throws Exception {
        return run(input, Op.queued(first), switchAt, second == null ? null : Op.queued(second));
    }

    private static List<String> run(List<Sent> input, Op first, int switchAt, Op second) throws Exception {
        List<String> alerts = new ArrayList<>();
        var h = harness(first, null);
        Random watermarks = new Random(11);
        long watermark = Long.MIN_VALUE;
        try {
            for (int i = 0; i < input.size(); i++) {
                if (i == switchAt) {
                    h.prepareSnapshotPreBarrier(1); // as a checkpoint does: the state cache writes the backend
                    OperatorSubtaskState snapshot = h.snapshot(1, 1);
                    collect(h, alerts);
                    h.close();
                    h = harness(second, snapshot);
                }
                Sent s = input.get(i);
                for (RuleCandidate rc : s.routed()) {
                    h.processElement(rc, s.time());
                }
                if (watermarks.nextInt(4) == 0) {
                    watermark = watermarkBehindNext(h, input, i, watermark);
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            collect(h, alerts);
        } finally {
            h.close();
        }
        return alerts;
    }

    private static void collect(KeyedBroadcastOperatorTestHarness<?, ?, ?, MerchantAlert> h, List<String> alerts) {
        for (MerchantAlert a : h.extractOutputValues()) {
            // The rule, merchant, window, trigger time and evidence: all of it but the wall-clock detection time.
            a.setDetectedAt(Instant.EPOCH);
            alerts.add(a.getRuleId() + " " + a.getMerchant().getMerchantId() + " " + a.getTriggeredAt() + " "
                    + a.getEvidence().stream().map(e -> e.getTransactionId()).toList() + " " + a);
        }
        h.getOutput().clear();
    }

    /** Equal lists; on a difference, the first alert that differs, briefly (the full alerts are long). */
    private static void sameAlerts(List<String> actual, List<String> expected) {
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            String a = actual.get(i);
            String e = expected.get(i);
            assertThat(a.substring(0, a.indexOf('{'))).as("alert %d of %d", i, expected.size())
                    .isEqualTo(e.substring(0, e.indexOf('{')));
        }
        assertThat(actual).hasSameSizeAs(expected).isEqualTo(expected);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void givesFlinkCepsAlertsOnRandomInput(long seed) throws Exception {
        List<Sent> input = randomInput(seed, 1_500);
        List<String> onCep = run(input, PatternRulesFunction::onFlinkCepOnly, -1, null);
        List<String> counted = run(input, PatternRulesFunction::new, -1, null);

        assertThat(onCep).as("the input trips many rules").hasSizeGreaterThan(100);
        assertThat(onCep.stream().map(a -> a.substring(0, a.indexOf(' '))).distinct().count())
                .as("rules that raised alerts").isGreaterThan(8);
        sameAlerts(counted, onCep);
    }

    @Test
    void keepsItsMatchesAcrossACheckpointAndRestore() throws Exception {
        List<Sent> input = randomInput(21, 1_000);
        List<String> onCep = run(input, PatternRulesFunction::onFlinkCepOnly, -1, null);
        List<String> restored = run(input, PatternRulesFunction::new, 500, PatternRulesFunction::new);
        sameAlerts(restored, onCep);
    }

    /** State from before the counted runtime (all on flink-cep) restored into this version: its matches go on. */
    @Test
    void finishesOnFlinkCepTheMatchesBegunThere() throws Exception {
        List<Sent> input = randomInput(22, 1_000);
        List<String> onCep = run(input, PatternRulesFunction::onFlinkCepOnly, -1, null);
        List<String> upgraded = run(input, PatternRulesFunction::onFlinkCepOnly, 500, PatternRulesFunction::new);
        sameAlerts(upgraded, onCep);
    }

    /**
     * The candidates held by {@link PatternRulesOperator} for the watermark give the alerts of
     * candidates queued per key with a timer each. Alerts of different keys at the same event time
     * may come in another order (timers of one time fire in the order of Flink's heap), so the lists
     * are compared sorted; each key's own alerts come in time order either way.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void candidatesHeldForTheWatermarkGiveTheAlertsOfCandidatesQueuedWithTimers(long seed) throws Exception {
        List<Sent> input = randomInput(seed, 1_500);
        List<String> queued = run(input, Op.queued(PatternRulesFunction::new), -1, null);
        List<String> buffered = run(input, Op.buffered(PatternRulesFunction::new), -1, null);
        assertThat(queued).as("the input trips many rules").hasSizeGreaterThan(100);
        sameAlerts(sorted(buffered), sorted(queued));
        List<String> onCep = run(input, Op.buffered(PatternRulesFunction::onFlinkCepOnly), -1, null);
        sameAlerts(sorted(onCep), sorted(queued));
    }

    /** Held candidates and partial matches across a checkpoint; a checkpoint of queued candidates restored under the buffer. */
    @Test
    void heldCandidatesSurviveACheckpointAndQueuedOnesAreTakenAfterAnUpgrade() throws Exception {
        List<Sent> input = randomInput(23, 1_000);
        List<String> reference = sorted(run(input, Op.queued(PatternRulesFunction::new), -1, null));
        sameAlerts(sorted(run(input, Op.buffered(PatternRulesFunction::new), 500, Op.buffered(PatternRulesFunction::new))),
                reference);
        sameAlerts(sorted(run(input, Op.queued(PatternRulesFunction::new), 500, Op.buffered(PatternRulesFunction::new))),
                reference);
        sameAlerts(sorted(run(input, Op.queued(PatternRulesFunction::onFlinkCepOnly), 500, Op.buffered(PatternRulesFunction::new))),
                reference);
    }

    /** Candidates held when a checkpoint is taken at parallelism 1 are taken after a restore on two subtasks. */
    @Test
    void heldCandidatesGoToTheSubtaskOfTheirKeyWhenRestoredAtAnotherParallelism() throws Exception {
        List<Sent> input = randomInput(24, 1_000);
        List<String> reference = new ArrayList<>();
        try (var h = harness(Op.queued(PatternRulesFunction::new), null, MAX_PARALLELISM, 1, 0)) {
            feed(h, input, Long.MIN_VALUE, 0, 1);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            collect(h, reference);
        }
        assertThat(reference).as("the input trips many rules").hasSizeGreaterThan(100);
        Op op = Op.buffered(PatternRulesFunction::new);
        List<String> alerts = new ArrayList<>();
        int switchAt = 500;
        OperatorSubtaskState snapshot;
        long watermark;
        try (var h = harness(op, null, MAX_PARALLELISM, 1, 0)) {
            watermark = feed(h, input.subList(0, switchAt), Long.MIN_VALUE, 0, 1);
            assertThat(((PatternRulesOperator) h.getOperator()).buffered()).as("candidates held at the checkpoint").isPositive();
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            collect(h, alerts);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 2, subtask);
            try (var h = harness(op, part, MAX_PARALLELISM, 2, subtask)) {
                feed(h, input.subList(switchAt, input.size()), watermark, subtask, 2);
                h.processWatermark(new Watermark(Long.MAX_VALUE));
                collect(h, alerts);
            }
        }
        sameAlerts(sorted(alerts), sorted(reference));
    }

    /**
     * Sends each candidate whose key this subtask owns, with a watermark after every fourth candidate
     * just behind the next ones (so the same watermarks for every subtask); returns the last watermark.
     */
    private static long feed(KeyedBroadcastOperatorTestHarness<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> h,
                             List<Sent> input, long watermark, int subtask, int parallelism) throws Exception {
        for (int i = 0; i < input.size(); i++) {
            Sent s = input.get(i);
            for (RuleCandidate rc : s.routed()) {
                int keyGroup = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignToKeyGroup(rc.routeKey, MAX_PARALLELISM);
                if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(
                        MAX_PARALLELISM, parallelism, keyGroup) == subtask) {
                    h.processElement(rc, s.time());
                }
            }
            if (i % 4 == 3) {
                watermark = watermarkBehindNext(h, input, i, watermark);
            }
        }
        return watermark;
    }

    /**
     * After candidate {@code i}: a watermark just behind the next two candidates, if that moves it on
     * (the swapped neighbours of the input can then be behind it); returns the watermark.
     */
    private static long watermarkBehindNext(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h, List<Sent> input, int i,
                                            long watermark) throws Exception {
        if (i + 1 >= input.size()) {
            return watermark;
        }
        long next = Long.MAX_VALUE;
        for (int j = i + 1; j < Math.min(input.size(), i + 3); j++) {
            next = Math.min(next, input.get(j).time());
        }
        if (next - 1 > watermark) {
            h.processWatermark(new Watermark(next - 1));
            return next - 1;
        }
        return watermark;
    }

    private static List<String> sorted(List<String> alerts) {
        return alerts.stream().sorted().toList();
    }

    @Test
    void theMatchesOfAKeyAreOneValueThatRoundTrips() throws Exception {
        CountedMatches m = new CountedMatches();
        CountedSteps twoSteps = new CountedSteps(List.of(
                new CountedSteps.Step("a", 2, (c, matched) -> true),
                new CountedSteps.Step("b", 1, (c, matched) -> c.transaction.amountMinor > 100)), 3_600_000);
        CountedStepsMatcher matcher = new CountedStepsMatcher(twoSteps);
        List<Map<String, List<PatternCandidate>>> reported = new ArrayList<>();
        List<Sent> input = randomInput(3, 3);
        for (Sent s : input) {
            matcher.process(m, s.routed().get(0).candidate, s.time(), reported::add);
        }
        var serializer = CountedMatches.Serializer.INSTANCE;
        var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        serializer.serialize(m, out);
        CountedMatches back = serializer.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        var again = new org.apache.flink.core.memory.DataOutputSerializer(256);
        serializer.serialize(back, again);
        assertThat(again.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        assertThat(back.partial).hasSize(m.partial.size());
        assertThat(back.nextSeq).isEqualTo(m.nextSeq);
        var copied = new org.apache.flink.core.memory.DataOutputSerializer(256);
        serializer.serialize(serializer.copy(m), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
}
