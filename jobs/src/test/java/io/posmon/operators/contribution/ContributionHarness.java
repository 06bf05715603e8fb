package io.posmon.operators.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TierChange;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Tx;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;

/**
 * {@link ContributionFunction} on Flink's keyed test harness, with terse spend events: each event is
 * timestamped with its event time; {@link #watermark} moves event time (and fires timers).
 */
final class ContributionHarness implements AutoCloseable {

    static final String CUSTOMER = "C1";
    static final CompiledRules SHIPPED = compile(Path.of("../rules"));

    private static final AtomicInteger IDS = new AtomicInteger();

    private final KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, CustomerContribution> harness;

    private ContributionHarness(ContributionConfig config, boolean byMerchant) {
        try {
            harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ContributionFunction(config),
                    byMerchant ? e -> e.tx.getMerchantId() : e -> e.tx.getCustomerId(), Types.STRING);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CompiledRules compile(Path rulesDirectory) {
        try {
            return RuleCompiler.compile(RuleSetLoader.load(rulesDirectory));
        } catch (Exception e) {
            throw new IllegalStateException("rules do not load: " + rulesDirectory, e);
        }
    }

    static ContributionHarness customers() {
        return customers(SHIPPED.customerContribution());
    }

    static ContributionHarness customers(ContributionConfig config) {
        return new ContributionHarness(config, false);
    }

    static ContributionHarness merchants() {
        return new ContributionHarness(SHIPPED.merchantContribution(), true);
    }

    // ---- events ----

    /** A sale of customer C1 at a local Shanghai time. */
    static PosTransaction.Builder buy(String id, String merchant, String localTime, long amountMinor) {
        return Tx.sale(id, merchant, localTime, amountMinor).setCustomerId(CUSTOMER);
    }

    /** An undo (VOID, REVERSAL, REFUND) of {@code original} for {@code amountMinor}, by the same customer and card. */
    static PosTransaction undo(TransactionType type, String id, String localTime, long amountMinor, PosTransaction original) {
        return Tx.sale(id, original.getMerchantId(), localTime, amountMinor)
                .setType(type)
                .setCustomerId(original.getCustomerId())
                .setCustomerRegion(original.getCustomerRegion())
                .setCardToken(original.getCardToken())
                .setOriginalTransactionId(original.getTransactionId())
                .build();
    }

    static PosTransaction refund(String id, String localTime, long amountMinor, PosTransaction original) {
        return undo(TransactionType.REFUND, id, localTime, amountMinor, original);
    }

    static SpendEvent spend(PosTransaction tx, String mccGroup, String mcc, int feeRateBps, boolean profileKnown,
                            String merchantRegion) {
        SpendEvent e = new SpendEvent();
        e.tx = tx;
        e.mccGroup = mccGroup;
        e.mcc = mcc;
        e.feeRateBps = feeRateBps;
        e.profileKnown = profileKnown;
        e.merchantRegion = merchantRegion;
        return e;
    }

    /** At an ordinary eligible merchant: grocery (5411, group RETAIL), 60 bps, profile known, CN-ZJ. */
    static SpendEvent spend(PosTransaction tx) {
        return spend(tx, "RETAIL", "5411", 60, true, "CN-ZJ");
    }

    static SpendEvent spend(PosTransaction.Builder tx) {
        return spend(tx.build());
    }

    /** At a merchant without a known profile (no fee): the points are exactly amount / 100.00. */
    static SpendEvent noFee(PosTransaction tx) {
        return spend(tx, "RETAIL", "5411", 0, false, "CN-ZJ");
    }

    /**
     * Sales of customer {@code customer} (region may be null) at {@code localTime} worth exactly
     * {@code points} points (no fee; split below the 100,000.00 single-purchase limit).
     */
    ContributionHarness earn(String customer, String region, String localTime, long points) throws Exception {
        for (long left = points; left > 0; left -= 900) {
            long chunk = Math.min(900, left);
            send(noFee(Tx.sale("e" + IDS.incrementAndGet(), "M1", localTime, chunk * 10_000L)
                    .setCustomerId(customer).setCustomerRegion(region).build()));
        }
        return this;
    }

    ContributionHarness earn(String localTime, long points) throws Exception {
        return earn(CUSTOMER, null, localTime, points);
    }

    // ---- time ----

    ContributionHarness send(SpendEvent... events) throws Exception {
        for (SpendEvent e : events) {
            harness.processElement(e, e.tx.getEventTime().toEpochMilli());
        }
        return this;
    }

    ContributionHarness watermark(Instant at) throws Exception {
        harness.processWatermark(at.toEpochMilli());
        return this;
    }

    ContributionHarness watermark(String localTime) throws Exception {
        return watermark(Tx.local(localTime));
    }

    /** The instant a month is evaluated and closed: its end plus the allowed lateness (1d), i.e. the 2nd, 00:00. */
    static Instant evaluation(String yearMonth) {
        return Tx.local(YearMonth.parse(yearMonth).plusMonths(1).atDay(2) + "T00:00");
    }

    /** Watermark at the month's evaluation instant (or 1 ms before it). */
    ContributionHarness monthEvaluated(String yearMonth) throws Exception {
        return watermark(evaluation(yearMonth));
    }

    ContributionHarness justBeforeEvaluation(String yearMonth) throws Exception {
        return watermark(evaluation(yearMonth).minusMillis(1));
    }

    /** Evaluates every month from {@code from} to {@code to} (inclusive), one watermark step per month. */
    ContributionHarness monthsEvaluated(String from, String to) throws Exception {
        for (YearMonth m = YearMonth.parse(from); !m.isAfter(YearMonth.parse(to)); m = m.plusMonths(1)) {
            monthEvaluated(m.toString());
        }
        return this;
    }

    // ---- output ----

    /** How many keys have an entry in the named state ("days", "months", "sales", "subject"). */
    long keysIn(String stateName) throws Exception {
        // Days and months are stored as one value per key (KeyedStateCache).
        String stored = stateName.equals("days") || stateName.equals("months")
                ? stateName + io.posmon.operators.state.KeyedStateCache.BATCHED_SUFFIX : stateName;
        try (var keys = harness.getOperator().getKeyedStateBackend().getKeys(stored, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /**
     * Stores, as the operator before 2026-12-03 did, a month of {@code key} whose distinct
     * counterparties are ids in the "counterparties" map state, not fingerprints in the figures.
     */
    void storeMonthBeforeFingerprints(String key, String yearMonth, PeriodFigures figures, String... counterparties)
            throws Exception {
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        int month = ContributionFunction.monthIndex(YearMonth.parse(yearMonth).atDay(1));
        var serializer = org.apache.flink.api.common.typeinfo.TypeInformation.of(PeriodFigures.class)
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        org.apache.flink.api.common.state.ValueState<java.util.Map<Integer, PeriodFigures>> months =
                backend.getPartitionedState(VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                                "months" + io.posmon.operators.state.KeyedStateCache.BATCHED_SUFFIX,
                                new org.apache.flink.api.common.typeutils.base.MapSerializer<>(
                                        org.apache.flink.api.common.typeutils.base.IntSerializer.INSTANCE, serializer)));
        months.update(new java.util.HashMap<>(java.util.Map.of(month, figures)));
        org.apache.flink.api.common.state.MapState<String, Boolean> ids =
                backend.getPartitionedState(VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.MapStateDescriptor<>("counterparties", Types.STRING, Types.BOOLEAN));
        for (String id : counterparties) {
            ids.put("M" + month + "|" + id, Boolean.TRUE);
        }
    }

    /**
     * Stores, as the operator before 2026-12-08 did, a sale of {@code key} by its transaction id in the
     * "sales" map state (not by fingerprint), with the subject's oldest sale time as that version kept it.
     */
    void storeSaleById(String key, String transactionId, SaleMemo memo) throws Exception {
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        org.apache.flink.api.common.state.MapState<String, SaleMemo> sales =
                backend.getPartitionedState(VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.MapStateDescriptor<>(ContributionFunction.SALES_BY_ID,
                                Types.STRING, org.apache.flink.api.common.typeinfo.TypeInformation.of(SaleMemo.class)));
        sales.put(transactionId, memo);
        org.apache.flink.api.common.state.ValueState<SubjectState> subject =
                backend.getPartitionedState(VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.ValueStateDescriptor<>("subject", SubjectState.class));
        SubjectState s = SubjectState.fresh();
        s.oldestSaleTime = memo.eventTime;
        subject.update(s);
    }

    /** The ids left in the "counterparties" map state of {@code key}. */
    List<String> counterpartyIdsInMapState(String key) throws Exception {
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        org.apache.flink.api.common.state.MapState<String, Boolean> ids =
                backend.getPartitionedState(VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.MapStateDescriptor<>("counterparties", Types.STRING, Types.BOOLEAN));
        List<String> left = new ArrayList<>();
        for (String id : ids.keys()) {
            left.add(id);
        }
        return left;
    }

    int eventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    List<CustomerContribution> records() {
        return harness.extractOutputValues();
    }

    List<CustomerContribution> records(PeriodType type, String period) {
        return records().stream().filter(r -> r.getPeriodType() == type && r.getPeriod().equals(period)).toList();
    }

    /** The current (latest) record of a period; fails when none was emitted. */
    CustomerContribution latest(PeriodType type, String period) {
        List<CustomerContribution> rs = records(type, period);
        assertThat(rs).as("records of %s %s", type, period).isNotEmpty();
        return rs.get(rs.size() - 1);
    }

    CustomerContribution day(String localDate) {
        return latest(PeriodType.DAY, localDate);
    }

    CustomerContribution month(String yearMonth) {
        return latest(PeriodType.MONTH, yearMonth);
    }

    List<TierChange> tierChanges() {
        return side(ContributionFunction.TIER_CHANGES);
    }

    List<PosTransaction> late() {
        return side(ContributionFunction.LATE);
    }

    private <T> List<T> side(OutputTag<T> tag) {
        Collection<StreamRecord<T>> records = harness.getSideOutput(tag);
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
