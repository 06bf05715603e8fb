package io.posmon.operators.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.state.KeyedStateCache;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.CustomerHoldings;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TierChange;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Tx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ContributionOperator} schedules the re-emissions that the function alone registers as a
 * timer per key and minute: the same inputs must give each subject the same records, revisions and
 * tier changes, in the same order, whatever the watermark does (small steps, jumps over days and
 * month ends, the end of the input), and a schedule must survive a checkpoint and a change of
 * parallelism.
 */
class ContributionOperatorTest {

    private static final int MAX_PARALLELISM = 128;
    private static final String[] MCCS = {"5411", "5812", "5311", "6011", "4829", "5732"};
    private static final String[] GROUPS = {"RETAIL", "DINING", "RETAIL", "CASH", "TRANSFER", "ELECTRONICS"};

    /** One input step: an event or a watermark. */
    private record Step(SpendEvent event, long watermark) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void customersGetTheSameRecordsAsWithATimerPerKeyAndMinute(long seed) throws Exception {
        List<Step> input = scenario(seed, true);
        Outputs timers = run(input, timerOperator(true), SpendEvent::customerId);
        Outputs scheduled = run(input, scheduledOperator(true), SpendEvent::customerId);

        assertThat(timers.records.values().stream().mapToInt(List::size).sum())
                .as("the scenario emits running and final records").isGreaterThan(50);
        assertThat(timers.tierChanges).as("the scenario changes tiers").isNotEmpty();
        assertSameSequences(scheduled.records, timers.records);
        assertSameSequences(scheduled.tierChanges, timers.tierChanges);
        assertThat(scheduled.late).isEqualTo(timers.late);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void merchantsGetTheSameRecordsAsWithATimerPerKeyAndMinute(long seed) throws Exception {
        List<Step> input = scenario(seed, false);
        Outputs timers = run(input, timerOperator(false), e -> e.tx.getMerchantId());
        Outputs scheduled = run(input, scheduledOperator(false), e -> e.tx.getMerchantId());

        assertThat(timers.records.values().stream().mapToInt(List::size).sum()).isGreaterThan(50);
        assertSameSequences(scheduled.records, timers.records);
        assertThat(scheduled.late).isEqualTo(timers.late);
    }

    /**
     * Customers who stop spending are still evaluated every month end, so that their tiers fall at
     * the downgrade months (June and December): those evaluations are all the schedule has for them,
     * with no minute or period of theirs at the same time. Holdings change in the quiet months too.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void quietCustomersAreEvaluatedEveryMonthAsWithTimers(long seed) throws Exception {
        List<Step> input = new ArrayList<>(scenario(seed, true, "2026-02-20T00:00"));
        input.remove(input.size() - 1); // the end of time comes after the quiet months
        Random random = new Random(seed);
        long watermark = Tx.local("2026-02-21T00:00").toEpochMilli();
        long quietEnd = Tx.local("2027-01-15T00:00").toEpochMilli();
        while (watermark < quietEnd) {
            if (random.nextInt(40) == 0) {
                String subject = "C" + random.nextInt(6);
                input.add(new Step(SpendEvent.holdings(CustomerHoldings.newBuilder().setCustomerId(subject)
                        .setProducts(random.nextBoolean() ? List.of("GOLD_CREDIT_CARD") : List.of())
                        .setUpdatedAt(null).build()), Long.MIN_VALUE));
            }
            watermark += Duration.ofHours(1 + random.nextInt(48)).toMillis();
            input.add(new Step(null, watermark));
        }
        input.add(new Step(null, Long.MAX_VALUE));

        Outputs timers = run(input, timerOperator(true), SpendEvent::customerId);
        Outputs scheduled = run(input, scheduledOperator(true), SpendEvent::customerId);

        assertThat(timers.tierChanges.values().stream().flatMap(List::stream)
                .filter(c -> c.getDirection() == io.posmon.schema.TierDirection.DOWNGRADE)
                .filter(c -> c.getEvaluatedMonth().compareTo("2026-06") >= 0))
                .as("tiers fall in the quiet months").isNotEmpty();
        assertSameSequences(scheduled.records, timers.records);
        assertSameSequences(scheduled.tierChanges, timers.tierChanges);
    }

    /** Keys scheduled when a checkpoint is taken are emitted after a restore, on one subtask or on two. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void scheduledKeysSurviveACheckpointAndAChangeOfParallelism(int parallelismAfter) throws Exception {
        List<Step> input = scenario(21, true);
        Outputs uninterrupted = run(input, scheduledOperator(true), SpendEvent::customerId);

        // Up to a checkpoint taken halfway, at a moment when minutes are scheduled and not yet emitted.
        Outputs before = new Outputs();
        OperatorSubtaskState snapshot;
        int cut = 0;
        try (var harness = harness(scheduledOperator(true), SpendEvent::customerId, 1, 0, null)) {
            ContributionOperator operator = (ContributionOperator) harness.getOperator();
            while (cut < input.size() / 2 || operator.minutesScheduled() == 0) {
                feed(harness, input.subList(cut, cut + 1));
                cut++;
            }
            snapshot = harness.snapshot(1, 1);
            before.add(harness);
        }
        List<Outputs> after = new ArrayList<>();
        for (int subtask = 0; subtask < parallelismAfter; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, MAX_PARALLELISM, 1, parallelismAfter, subtask);
            try (var harness = harness(scheduledOperator(true), SpendEvent::customerId, parallelismAfter, subtask, part)) {
                List<Step> rest = new ArrayList<>();
                for (Step s : input.subList(cut, input.size())) {
                    // Each subtask gets the events of its own keys, and every watermark.
                    if (s.event == null || ownedBy(s.event.customerId(), parallelismAfter, subtask)) {
                        rest.add(s);
                    }
                }
                feed(harness, rest);
                Outputs o = new Outputs();
                o.add(harness);
                after.add(o);
            }
        }
        Outputs resumed = before;
        for (Outputs o : after) {
            resumed.merge(o);
        }
        assertSameSequences(resumed.records, uninterrupted.records);
        assertSameSequences(resumed.tierChanges, uninterrupted.tierChanges);
    }

    /** Each subject's sequence equal, or the first difference named: the subject, the place, both values. */
    private static <T> void assertSameSequences(Map<String, List<T>> actual, Map<String, List<T>> expected) {
        assertThat(actual.keySet()).as("subjects").isEqualTo(expected.keySet());
        for (String subject : expected.keySet()) {
            List<T> a = actual.get(subject);
            List<T> e = expected.get(subject);
            for (int i = 0; i < Math.min(a.size(), e.size()); i++) {
                assertThat(a.get(i)).as("%s, output %d of %d", subject, i, e.size()).isEqualTo(e.get(i));
            }
            assertThat(a).as("%s: %d outputs, %d expected", subject, a.size(), e.size()).hasSameSizeAs(e);
        }
    }

    /**
     * A checkpoint of the function under Flink's own operator (before the schedule) holds its minutes
     * and closings as timers; restored under {@link ContributionOperator}, those timers still fire,
     * and what follows is scheduled: the records are those of a run that never stopped.
     */
    @org.junit.jupiter.api.Test
    void timersOfACheckpointFromBeforeTheScheduleStillFire() throws Exception {
        List<Step> input = scenario(31, true);
        Outputs uninterrupted = run(input, timerOperator(true), SpendEvent::customerId);

        Outputs resumed = new Outputs();
        OperatorSubtaskState snapshot;
        int cut = input.size() / 2;
        try (var harness = harness(timerOperator(true), SpendEvent::customerId, 1, 0, null)) {
            feed(harness, input.subList(0, cut));
            assertThat(harness.numEventTimeTimers()).as("minutes and closings pending as timers").isPositive();
            snapshot = harness.snapshot(1, 1);
            resumed.add(harness);
        }
        try (var harness = harness(scheduledOperator(true), SpendEvent::customerId, 1, 0, snapshot)) {
            feed(harness, input.subList(cut, input.size()));
            Outputs after = new Outputs();
            after.add(harness);
            resumed.merge(after);
        }
        assertSameSequences(resumed.records, uninterrupted.records);
        assertSameSequences(resumed.tierChanges, uninterrupted.tierChanges);
    }

    // ---- the input

    /**
     * Sales, refunds, voids and (for customers) product holdings of a few subjects over two and a half
     * months, event time moving in steps from seconds to two days, with events out of order within
     * and beyond the allowed lateness, and watermarks at irregular points, the last at the end of time.
     */
    private static List<Step> scenario(long seed, boolean customers) {
        return scenario(seed, customers, "2026-04-10T00:00");
    }

    /** The same, with its events up to {@code endLocal} (Shanghai time). */
    private static List<Step> scenario(long seed, boolean customers, String endLocal) {
        Random random = new Random(seed);
        List<Step> steps = new ArrayList<>();
        List<PosTransaction> sales = new ArrayList<>();
        long clock = Tx.local("2026-01-27T22:00").toEpochMilli();
        long end = Tx.local(endLocal).toEpochMilli();
        long watermark = Long.MIN_VALUE;
        int n = 0;
        while (clock < end) {
            int r = random.nextInt(100);
            clock += r < 70 ? 1_000L * (1 + random.nextInt(120))
                    : r < 90 ? Duration.ofMinutes(1 + random.nextInt(90)).toMillis()
                    : r < 98 ? Duration.ofHours(1 + random.nextInt(20)).toMillis()
                    : Duration.ofDays(2).toMillis();
            long time = clock;
            int lag = random.nextInt(100);
            if (lag < 10) {
                time -= Duration.ofMinutes(random.nextInt(30)).toMillis(); // out of order, in time
            } else if (lag < 12) {
                time -= Duration.ofDays(2).toMillis(); // beyond the day's lateness: late
            }
            String subject = (customers ? "C" : "M") + random.nextInt(6);
            String local = java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(time), Tx.SHANGHAI).toString();
            int kind = random.nextInt(100);
            SpendEvent event;
            if (customers && kind < 3) {
                event = SpendEvent.holdings(CustomerHoldings.newBuilder().setCustomerId(subject)
                        .setProducts(random.nextBoolean() ? List.of("GOLD_CREDIT_CARD") : List.of())
                        .setUpdatedAt(null).build());
                steps.add(new Step(event, Long.MIN_VALUE));
            } else {
                PosTransaction tx;
                if (kind < 15 && !sales.isEmpty()) {
                    PosTransaction original = sales.get(random.nextInt(sales.size()));
                    TransactionType type = kind < 9 ? TransactionType.REFUND : kind < 12 ? TransactionType.VOID : TransactionType.REVERSAL;
                    tx = Tx.sale("u" + n, original.getMerchantId(), local, 1 + random.nextInt((int) Math.min(original.getAmountMinor(), 2_000_000)))
                            .setType(type)
                            .setCustomerId(original.getCustomerId())
                            .setCardToken(original.getCardToken())
                            .setOriginalTransactionId(original.getTransactionId())
                            .build();
                } else {
                    String merchant = customers ? "M" + random.nextInt(4) : subject;
                    String customer = customers ? subject : (random.nextBoolean() ? "C" + random.nextInt(50) : null);
                    tx = Tx.sale("s" + n, merchant, local, 1_000L + random.nextInt(12_000_000))
                            .setCustomerId(customer)
                            .setCustomerRegion(random.nextInt(4) == 0 ? "CN-SH" : null)
                            .setCardToken("tok" + random.nextInt(40))
                            .setInstallments(random.nextInt(10) == 0 ? 6 : 0)
                            .build();
                    sales.add(tx);
                }
                int m = random.nextInt(MCCS.length);
                event = ContributionHarness.spend(tx, GROUPS[m], MCCS[m], random.nextInt(5) == 0 ? 0 : 60,
                        random.nextInt(10) != 0, "CN-ZJ");
                event.repeatedUndo = !customers && tx.getType() != TransactionType.SALE && random.nextInt(4) == 0;
                steps.add(new Step(event, Long.MIN_VALUE));
            }
            n++;
            if (random.nextInt(100) < 35 && clock - 5_000 > watermark) {
                watermark = clock - 5_000;
                steps.add(new Step(null, watermark));
            }
        }
        steps.add(new Step(null, Long.MAX_VALUE));
        return steps;
    }

    // ---- running it

    private static OneInputStreamOperator<SpendEvent, CustomerContribution> timerOperator(boolean customers) {
        return new KeyedProcessOperator<>(new ContributionFunction(config(customers)));
    }

    private static OneInputStreamOperator<SpendEvent, CustomerContribution> scheduledOperator(boolean customers) {
        // Few keys in memory, so that keys leave the cache and come back between their emissions.
        return new ContributionOperator(new ContributionFunction(config(customers), new KeyedStateCache.Limits(3, 50)));
    }

    private static ContributionConfig config(boolean customers) {
        return customers ? ContributionHarness.SHIPPED.customerContribution() : ContributionHarness.SHIPPED.merchantContribution();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, CustomerContribution> harness(
            OneInputStreamOperator<SpendEvent, CustomerContribution> operator, KeySelector<SpendEvent, String> key,
            int parallelism, int subtask, OperatorSubtaskState restored) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        return harness;
    }

    private static boolean ownedBy(String key, int parallelism, int subtask) {
        return org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, parallelism)
                == subtask;
    }

    private static Outputs run(List<Step> input, OneInputStreamOperator<SpendEvent, CustomerContribution> operator,
                               KeySelector<SpendEvent, String> key) throws Exception {
        try (var harness = harness(operator, key, 1, 0, null)) {
            feed(harness, input);
            Outputs o = new Outputs();
            o.add(harness);
            return o;
        }
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, CustomerContribution> harness,
                             List<Step> steps) throws Exception {
        for (Step s : steps) {
            if (s.event == null) {
                harness.processWatermark(s.watermark);
            } else {
                harness.processElement(s.event, s.event.tx == null ? 0L : s.event.tx.getEventTime().toEpochMilli());
            }
        }
    }

    /** Each subject's records, tier changes and late transactions in the order emitted; emission times left out. */
    private static final class Outputs {
        final Map<String, List<CustomerContribution>> records = new TreeMap<>();
        final Map<String, List<TierChange>> tierChanges = new TreeMap<>();
        final List<String> late = new ArrayList<>();

        void add(KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, CustomerContribution> harness) {
            for (CustomerContribution r : harness.extractOutputValues()) {
                records.computeIfAbsent(r.getSubjectId(), k -> new ArrayList<>())
                        .add(CustomerContribution.newBuilder(r).setEmittedAt(Instant.EPOCH).build());
            }
            for (TierChange c : values(harness, ContributionFunction.TIER_CHANGES, Function.identity())) {
                tierChanges.computeIfAbsent(c.getCustomerId(), k -> new ArrayList<>())
                        .add(TierChange.newBuilder(c).setEmittedAt(Instant.EPOCH).build());
            }
            late.addAll(values(harness, ContributionFunction.LATE, PosTransaction::getTransactionId));
        }

        void merge(Outputs other) {
            other.records.forEach((k, v) -> records.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            other.tierChanges.forEach((k, v) -> tierChanges.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            late.addAll(other.late);
        }

        private static <T, R> List<R> values(KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, CustomerContribution> harness,
                                             org.apache.flink.util.OutputTag<T> tag, Function<T, R> as) {
            var side = harness.getSideOutput(tag);
            List<R> values = new ArrayList<>();
            if (side != null) {
                for (StreamRecord<T> r : side) {
                    values.add(as.apply(r.getValue()));
                }
            }
            return values;
        }
    }
}
