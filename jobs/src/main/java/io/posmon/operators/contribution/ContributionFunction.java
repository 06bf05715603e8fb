package io.posmon.operators.contribution;

import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.state.Fingerprints;
import io.posmon.operators.state.KeyedStateCache;
import io.posmon.records.RecordTypes;
import io.posmon.schema.ContributionSubject;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.Tier;
import io.posmon.schema.TierChange;
import io.posmon.schema.TierDirection;
import io.posmon.schema.TransactionType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Contribution figures of one customer (or merchant) per business day and calendar month, in
 * exact minor units, and for customers the tier evaluation at each month end.
 *
 * <p>Undo and refunds are counted in the period in which they happen (cash basis). For customers,
 * against the sale they refer to: only what that sale counted, at most what is left of it, within
 * the refund window. For merchants (all sales count), their own amount; a second void or reversal
 * of the same sale counts nothing. Figures of an open period
 * are re-emitted at most once per {@code emitEvery} of event time, and once more, final, when the
 * period's end plus the allowed lateness has passed; later events go to {@link #LATE}.
 *
 * <p>Under {@link ContributionOperator} the re-emissions and the periods' closings are scheduled by
 * the operator, one entry per key and minute or period, instead of a Flink timer each; under Flink's
 * own operator (the test harnesses, a job built before the schedule) they are timers. Both emit the
 * same records: see {@link EmissionSchedule}. The monthly tier evaluation is scheduled there too
 * (asked for again at every emission, it is kept once per key and time, as Flink keeps timers);
 * holdings that arrive before the first watermark still ask for a timer.
 */
public class ContributionFunction extends KeyedProcessFunction<String, SpendEvent, CustomerContribution>
        implements io.posmon.operators.state.StateCachingOperators.CachesKeyedState {

    public static final OutputTag<PosTransaction> LATE =
            new OutputTag<>("late-contributions", RecordTypes.TRANSACTION);
    public static final OutputTag<TierChange> TIER_CHANGES =
            new OutputTag<>("tier-changes", new AvroTypeInfo<>(TierChange.class));

    /** Fires at the first watermark: holdings that arrive before any event time know no month yet. */
    private static final long AT_FIRST_WATERMARK = Long.MIN_VALUE + 1;
    private static final int ROLLING_POINTS_MONTHS = 6;
    private static final int ROLLING_SPENDING_MONTHS = 12;
    private static final int KEPT_MONTHS = 13;
    /** State names of the customers' sales (see {@link #salePrints}, {@link #salesById}). */
    static final String SALE_PRINTS = "sale-prints";
    static final String SALES_BY_ID = "sales";

    private final ContributionConfig config;
    private transient BusinessCalendar calendar;
    /**
     * The subject, its days and its months, in memory between checkpoints (see KeyedStateCache); days
     * and months are few per subject and read whole at every emission: one stored value each. The
     * sales and counterparties stay point-accessed state: a merchant has thousands of them.
     */
    private transient KeyedStateCache batched;
    private final KeyedStateCache.Limits stateCacheLimits;
    private transient MapState<Integer, PeriodFigures> days;
    private transient MapState<Integer, PeriodFigures> months;
    /**
     * A customer's sales within the refund window, by the 64-bit fingerprint of the transaction id
     * ({@link Fingerprints}, as the merchant operator's dedupe keeps ids): 8 bytes a sale instead of
     * the id, whose bytes were about a fifth of a customer's state on the bench's input after 60 days
     * (more with longer ids), kept for 180 days (README, Performance: where the state is). Two sales
     * of one customer whose ids share a fingerprint within the window (odds about n^2 / 2^65 for n
     * sales) would share a memo. Null for merchants, whose undo takes back its own amount.
     */
    private transient MapState<Long, SaleMemo> salePrints;
    /**
     * The sales as versions before 2026-12-08 kept them, by transaction id. A savepoint of theirs
     * still holds some: an undo looks there when its sale is not among the prints, and the daily
     * cleanup forgets them as their refund window passes, as before. Nothing new is written here.
     * Null for merchants.
     */
    private transient MapState<String, SaleMemo> salesById;
    /**
     * The counterparties seen per period ("D&lt;day&gt;|id", "M&lt;month&gt;|id"): a lookup per event, not a list
     * that every event would read and write again (a merchant sees thousands of cards a month).
     */
    private transient MapState<String, Boolean> counterparties;
    private transient ValueState<SubjectState> subject;
    private transient Counter late;
    private transient Counter unmatchedUndo;
    /** The operator's schedule of re-emissions, closings and tier evaluations; null under an operator without one (then timers). */
    private transient EmissionSchedule schedule;
    /** A timer's context and collector as an {@link Emission}, reused for every timer. */
    private transient TimerEmission timerEmission;

    /**
     * Where a key's re-emission at the end of a minute of event time, and its closing of a period,
     * are scheduled when not as a timer: {@link ContributionOperator}. It calls {@link #emitScheduled}
     * for the key once the watermark passes that time, in time order with the key's timers (those of
     * the same time first: where a timer would have been one timer, the scheduled emission after it
     * finds nothing changed), and passes every emission, scheduled or timer, the watermark being
     * processed, as Flink passes it to timers: what a key emits is then what it would have emitted
     * with a timer.
     */
    public interface EmissionSchedule {
        /** Emits the current key's changed periods when the watermark passes {@code time}. */
        void emitCurrentKeyAt(long time);

        /**
         * Emits the current key's periods when the watermark passes {@code time}, when one of them
         * closes; called once per period (it is not deduplicated).
         */
        void closeCurrentKeyAt(long time);

        /**
         * Evaluates the current key's tiers (and emits what changed) when the watermark passes
         * {@code time}; asked for again with the same time, it is scheduled once, as a timer would be.
         */
        void evaluateCurrentKeyAt(long time);

        /** The watermark the operator is processing (firing timers and scheduled emissions for). */
        long watermark();
    }

    /** What an emission reads and writes: a timer's context and collector, or the operator's outputs. */
    public interface Emission {
        String key();

        /** The watermark whose advance fires this emission. */
        long watermark();

        /** The next tier evaluation of the key: a timer, or in the operator's schedule. */
        void evaluateAt(long time);

        void record(CustomerContribution record);

        void tierChange(TierChange change);
    }

    /** One key at a time in memory (under Flink's own operator, as in the test harnesses). */
    public ContributionFunction(ContributionConfig config) {
        this(config, new KeyedStateCache.Limits(1, 0));
    }

    /** @param stateCacheLimits keys kept in memory between checkpoints under {@code StateCachingOperators.Keyed} */
    public ContributionFunction(ContributionConfig config, KeyedStateCache.Limits stateCacheLimits) {
        this.config = config;
        this.stateCacheLimits = stateCacheLimits;
    }

    @Override
    public KeyedStateCache stateCache() {
        return batched;
    }

    /** Called by {@link ContributionOperator} after {@code open}: re-emissions go to its schedule, not to timers. */
    void scheduleEmissionsWith(EmissionSchedule schedule) {
        this.schedule = schedule;
    }

    private boolean customers() {
        return config.subject() == ContributionSubject.CUSTOMER;
    }

    @Override
    public void open(OpenContext openContext) {
        calendar = config.calendar();
        var figures = TypeInformation.of(PeriodFigures.class);
        batched = new KeyedStateCache(getRuntimeContext(), Set.of("days", "months"), Set.of(), stateCacheLimits);
        days = batched.getMapState(new MapStateDescriptor<>("days", TypeInformation.of(Integer.class), figures));
        months = batched.getMapState(new MapStateDescriptor<>("months", TypeInformation.of(Integer.class), figures));
        if (customers()) { // a merchant's undo takes back its own amount: no sales kept
            salePrints = getRuntimeContext().getMapState(new MapStateDescriptor<>(SALE_PRINTS, TypeInformation.of(Long.class),
                    TypeInformation.of(SaleMemo.class)));
            salesById = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>(SALES_BY_ID, TypeInformation.of(String.class), TypeInformation.of(SaleMemo.class)));
        }
        subject = batched.getState(new ValueStateDescriptor<>("subject", SubjectState.class));
        counterparties = getRuntimeContext().getMapState(new MapStateDescriptor<>("counterparties",
                TypeInformation.of(String.class), TypeInformation.of(Boolean.class)));
        late = getRuntimeContext().getMetricGroup().counter("lateContributionEvents");
        unmatchedUndo = getRuntimeContext().getMetricGroup().counter("undoWithoutKnownSale");
        timerEmission = new TimerEmission();
    }

    @Override
    public void processElement(SpendEvent e, Context ctx, Collector<CustomerContribution> out) throws Exception {
        try {
            onEvent(e, ctx);
        } finally {
            batched.endOfCall();
        }
    }

    private void onEvent(SpendEvent e, Context ctx) throws Exception {
        if (e.holdings != null) {
            holdingsChanged(e.holdings, ctx);
            return;
        }
        PosTransaction tx = e.tx;
        if (!config.currency().equals(tx.getCurrency())) {
            return;
        }
        long t = tx.getEventTime().toEpochMilli();
        int day = calendar.businessDay(t);
        LocalDate date = LocalDate.ofEpochDay(day);
        int month = monthIndex(date);
        long watermark = ctx.timerService().currentWatermark();
        if (calendar.dayStart(day + 1) + config.allowedLatenessMillis() <= watermark) {
            late.inc();
            ctx.output(LATE, tx);
            return;
        }
        PeriodFigures storedDay = days.get(day);
        PeriodFigures storedMonth = months.get(month);
        PeriodFigures d = orNew(storedDay);
        PeriodFigures m = orNew(storedMonth);
        if (!apply(e, d, m, day, month)) {
            return;
        }
        SubjectState s = subject.value();
        if (s == null) {
            s = SubjectState.fresh();
        }
        if (customers() && (tx.getType() == TransactionType.SALE || tx.getType() == TransactionType.PREAUTH_COMPLETION)) {
            if (s.oldestSaleTime != null) {
                s.oldestSaleTime = Math.min(s.oldestSaleTime, t);
            }
        }
        String region = customers() ? tx.getCustomerRegion() : e.merchantRegion;
        if (region != null) {
            s.region = region;
        }
        for (PeriodFigures f : new PeriodFigures[] {d, m}) {
            f.lastEventTime = Math.max(f.lastEventTime, t);
            f.dirty = true;
        }
        days.put(day, d);
        months.put(month, m);
        // Months with accepted events are not evaluated yet (evaluation waits for their lateness).
        if (s.lastEvaluatedMonth == Integer.MIN_VALUE || month <= s.lastEvaluatedMonth) {
            s.lastEvaluatedMonth = month - 1;
        }
        subject.update(s);

        var timers = ctx.timerService();
        long minuteEnd = Math.floorDiv(t, config.emitEveryMillis()) * config.emitEveryMillis() + config.emitEveryMillis();
        if (schedule != null) {
            schedule.emitCurrentKeyAt(minuteEnd);
        } else {
            timers.registerEventTimeTimer(minuteEnd);
        }
        // A period's closing once, when the period starts.
        if (storedDay == null) {
            closeAt(calendar.dayStart(day + 1) + config.allowedLatenessMillis(), timers);
        }
        if (storedMonth == null) {
            closeAt(monthEnd(month) + config.allowedLatenessMillis(), timers);
        }
    }

    private void closeAt(long time, org.apache.flink.streaming.api.TimerService timers) {
        if (schedule != null) {
            schedule.closeCurrentKeyAt(time);
        } else {
            timers.registerEventTimeTimer(time);
        }
    }

    /** New product holdings count from the next month-end evaluation on. */
    private void holdingsChanged(List<String> products, Context ctx) throws Exception {
        SubjectState s = subject.value();
        if (s == null) {
            s = SubjectState.fresh();
        }
        s.products = new ArrayList<>(products);
        long watermark = ctx.timerService().currentWatermark();
        if (watermark == Long.MIN_VALUE) {
            ctx.timerService().registerEventTimeTimer(AT_FIRST_WATERMARK);
        } else if (watermark != Long.MAX_VALUE) {
            scheduleEvaluation(s, watermark, schedule != null ? schedule::evaluateCurrentKeyAt
                    : ctx.timerService()::registerEventTimeTimer);
        }
        subject.update(s);
    }

    /** The month that contains the watermark is evaluated at its end (plus lateness). */
    private void scheduleEvaluation(SubjectState s, long watermark, java.util.function.LongConsumer timers) {
        int month = monthIndex(LocalDate.ofEpochDay(calendar.businessDay(watermark)));
        if (s.lastEvaluatedMonth == Integer.MIN_VALUE) {
            s.lastEvaluatedMonth = month - 1;
        }
        timers.accept(monthEnd(month) + config.allowedLatenessMillis());
    }

    /** Adds the event to the day and month; false when it changes nothing. */
    private boolean apply(SpendEvent e, PeriodFigures d, PeriodFigures m, int day, int month) throws Exception {
        PosTransaction tx = e.tx;
        TransactionType type = tx.getType();
        long amount = tx.getAmountMinor();
        if (type == TransactionType.SALE || type == TransactionType.PREAUTH_COMPLETION) {
            boolean eligible = config.eligible(e);
            boolean instalment = tx.getInstallments() > 0;
            String counterparty = customers() ? tx.getMerchantId() : tx.getCardToken();
            long print = CounterpartyPrints.of(counterparty);
            countCounterparty(d, dayPrefix(day), counterparty, print);
            countCounterparty(m, monthPrefix(month), counterparty, print);
            for (PeriodFigures f : new PeriodFigures[] {d, m}) {
                f.count++;
                if (eligible) {
                    f.addEligible(amount, instalment, e.feeRateBps, e.mccGroup);
                } else {
                    f.excludedMinor += amount;
                }
            }
            if (customers()) {
                SaleMemo memo = new SaleMemo();
                memo.eventTime = tx.getEventTime().toEpochMilli();
                memo.remainingMinor = amount;
                memo.eligible = eligible;
                memo.instalment = instalment;
                memo.feeRateBps = e.feeRateBps;
                memo.mccGroup = e.mccGroup;
                salePrints.put(Fingerprints.of(tx.getTransactionId()), memo);
            }
            return true;
        }
        // VOID, REVERSAL, REFUND: take back what the sale counted, in this period.
        if (!customers()) {
            if (e.repeatedUndo) {
                return false;
            }
            for (PeriodFigures f : new PeriodFigures[] {d, m}) {
                f.addEligible(-amount, tx.getInstallments() > 0, e.feeRateBps, e.mccGroup);
            }
            return true;
        }
        String originalId = tx.getOriginalTransactionId();
        long print = originalId == null ? 0 : Fingerprints.of(originalId);
        SaleMemo memo = originalId == null ? null : salePrints.get(print);
        boolean byId = false;
        if (memo == null && originalId != null) {
            memo = salesById.get(originalId); // a sale counted by a version before the prints
            byId = memo != null;
        }
        // A sale older than the refund window is forgotten, whether or not cleanup has removed it yet.
        if (memo != null && memo.eventTime + config.refundWindowMillis() <= tx.getEventTime().toEpochMilli()) {
            memo = null;
        }
        if (memo == null) {
            unmatchedUndo.inc();
            return false;
        }
        long taken = Math.min(amount, memo.remainingMinor);
        if (taken <= 0) {
            return false;
        }
        memo.remainingMinor -= taken;
        if (byId) {
            salesById.put(originalId, memo);
        } else {
            salePrints.put(print, memo);
        }
        for (PeriodFigures f : new PeriodFigures[] {d, m}) {
            if (memo.eligible) {
                f.addEligible(-taken, memo.instalment, memo.feeRateBps, memo.mccGroup);
            } else {
                f.excludedMinor -= taken;
            }
        }
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerContribution> out) throws Exception {
        try {
            emit(timestamp, timerEmission.of(ctx, out));
        } finally {
            timerEmission.of(null, null);
            batched.endOfCall();
        }
    }

    /** The scheduled re-emission of the current key (see {@link EmissionSchedule}). */
    void emitScheduled(long timestamp, Emission emission) throws Exception {
        try {
            emit(timestamp, emission);
        } finally {
            batched.endOfCall();
        }
    }

    /** A timer's context and collector; the watermark is the schedule's when there is one (see {@link EmissionSchedule}). */
    private final class TimerEmission implements Emission {
        private OnTimerContext ctx;
        private Collector<CustomerContribution> out;

        TimerEmission of(OnTimerContext ctx, Collector<CustomerContribution> out) {
            this.ctx = ctx;
            this.out = out;
            return this;
        }

        @Override
        public String key() {
            return ctx.getCurrentKey();
        }

        @Override
        public long watermark() {
            return schedule != null ? schedule.watermark() : ctx.timerService().currentWatermark();
        }

        @Override
        public void evaluateAt(long time) {
            if (schedule != null) {
                schedule.evaluateCurrentKeyAt(time);
            } else {
                ctx.timerService().registerEventTimeTimer(time);
            }
        }

        @Override
        public void record(CustomerContribution record) {
            out.collect(record);
        }

        @Override
        public void tierChange(TierChange change) {
            ctx.output(TIER_CHANGES, change);
        }
    }

    /** Emits what changed since the last emission, closes the periods whose lateness has passed, evaluates tiers. */
    private void emit(long timestamp, Emission ctx) throws Exception {
        SubjectState s = subject.value();
        if (s == null) {
            return;
        }
        long watermark = ctx.watermark();
        if (timestamp == AT_FIRST_WATERMARK) {
            if (watermark != Long.MAX_VALUE) {
                scheduleEvaluation(s, watermark, ctx::evaluateAt);
                subject.update(s);
                return;
            }
            // The input ended before any event time: evaluate nothing.
            return;
        }
        TreeMap<Integer, PeriodFigures> monthMap = new TreeMap<>();
        for (Map.Entry<Integer, PeriodFigures> entry : months.entries()) {
            monthMap.put(entry.getKey(), entry.getValue());
        }
        // Tier evaluations of every month whose end (plus lateness) has passed, in order.
        int latestClosed = monthIndex(LocalDate.ofEpochDay(calendar.businessDay(timestamp - config.allowedLatenessMillis()))) - 1;
        if (customers() && config.tiers() != null) {
            for (int mo = s.lastEvaluatedMonth + 1; mo <= latestClosed && s.lastEvaluatedMonth != Integer.MIN_VALUE; mo++) {
                evaluateTier(s, mo, monthMap, ctx);
            }
        }
        Tier tier = s.tier;
        // Days: emit what changed; emit final and forget days that are closed.
        TreeMap<Integer, PeriodFigures> dayMap = new TreeMap<>();
        for (Map.Entry<Integer, PeriodFigures> entry : days.entries()) {
            dayMap.put(entry.getKey(), entry.getValue());
        }
        List<Integer> closedDays = new ArrayList<>();
        for (Map.Entry<Integer, PeriodFigures> entry : dayMap.entrySet()) {
            int day = entry.getKey();
            PeriodFigures f = entry.getValue();
            boolean closing = calendar.dayStart(day + 1) + config.allowedLatenessMillis() <= timestamp;
            if (f.dirty || closing) {
                f.revision++;
                f.dirty = false;
                f.closed = closing;
                int month = monthIndex(LocalDate.ofEpochDay(day));
                ctx.record(record(ctx.key(), s, tier, PeriodType.DAY, LocalDate.ofEpochDay(day), f,
                        asOfEndOf(day, month, monthMap, dayMap), month));
            }
            if (closing) {
                closedDays.add(day);
            } else {
                days.put(day, f);
            }
        }
        // Once the input has ended (a bounded replay: every timer fires at once) forgetting what no event
        // can ask about any more would only cost a scan per subject.
        boolean inputEnded = watermark == Long.MAX_VALUE;
        for (int day : closedDays) {
            boolean idsInMapState = dayMap.get(day).counterpartyPrints == null;
            days.remove(day);
            if (!inputEnded && idsInMapState) {
                forgetCounterparties(dayPrefix(day));
            }
        }
        // Months: emit what changed, and once more when the month closes.
        for (Map.Entry<Integer, PeriodFigures> entry : monthMap.entrySet()) {
            int mo = entry.getKey();
            PeriodFigures f = entry.getValue();
            boolean closing = monthEnd(mo) + config.allowedLatenessMillis() <= timestamp;
            boolean closesNow = closing && !f.closed;
            if (f.dirty || closesNow) {
                f.revision++;
                f.dirty = false;
                f.closed = closing;
                if (closesNow && f.counterpartyPrints != null) {
                    // A closed month's count is final (later events are late): keep the count, forget the ids.
                    f.counterpartyPrints = CounterpartyPrints.NONE;
                    f.printIndex = null;
                }
                months.put(mo, f);
                ctx.record(record(ctx.key(), s, tier, PeriodType.MONTH, firstDay(mo), f, monthMap, mo));
            }
            if (closesNow && !inputEnded && f.counterpartyPrints == null) {
                forgetCounterparties(monthPrefix(mo));
            }
        }
        // Keep 13 months (12-month rolling spending, 6-month points), forget older ones.
        for (int mo : new ArrayList<>(monthMap.keySet())) {
            if (mo <= latestClosed - KEPT_MONTHS) {
                months.remove(mo);
                monthMap.remove(mo);
            }

        }
        if (!inputEnded) {
            forgetOldSales(s, timestamp);
        }
        if (s.tier == Tier.NOT_RATED && s.products.isEmpty() && monthMap.isEmpty() && days.isEmpty()
                && (!customers() || (s.oldestSaleTime != null ? s.oldestSaleTime == Long.MAX_VALUE
                        : salePrints.isEmpty() && salesById.isEmpty()))) {
            subject.clear();
            counterparties.clear();
            return;
        }
        // Keep evaluating a rated customer monthly, even without activity, so tiers can fall. Not at
        // the end of a bounded input (watermark at the end of time): each timer would fire at once.
        if (customers() && config.tiers() != null && (s.tier != Tier.NOT_RATED || !monthMap.isEmpty() || !s.products.isEmpty())
                && watermark != Long.MAX_VALUE) {
            ctx.evaluateAt(monthEnd(Math.max(latestClosed + 1, s.lastEvaluatedMonth + 1))
                    + config.allowedLatenessMillis());
        }
        subject.update(s);
    }

    /**
     * The months as they stood at the end of {@code day}: its month without the later days of the
     * month that are still open. A day's rolling figures then do not depend on how much of the
     * following days had arrived when its record was emitted (a replay after a failure gives the
     * same final record).
     */
    private TreeMap<Integer, PeriodFigures> asOfEndOf(int day, int month, TreeMap<Integer, PeriodFigures> monthMap,
                                                      TreeMap<Integer, PeriodFigures> dayMap) {
        PeriodFigures whole = monthMap.get(month);
        SortedMap<Integer, PeriodFigures> later = dayMap.tailMap(day, false);
        if (whole == null || later.isEmpty()) {
            return monthMap;
        }
        PeriodFigures toDate = new PeriodFigures();
        toDate.eligibleMinor = whole.eligibleMinor;
        toDate.instalmentMinor = whole.instalmentMinor;
        toDate.feeBasis = whole.feeBasis;
        for (Map.Entry<Integer, PeriodFigures> d : later.entrySet()) {
            if (monthIndex(LocalDate.ofEpochDay(d.getKey())) == month) {
                toDate.eligibleMinor -= d.getValue().eligibleMinor;
                toDate.instalmentMinor -= d.getValue().instalmentMinor;
                toDate.feeBasis -= d.getValue().feeBasis;
            }
        }
        TreeMap<Integer, PeriodFigures> asOf = new TreeMap<>(monthMap);
        asOf.put(month, toDate);
        return asOf;
    }

    private void evaluateTier(SubjectState s, int month, TreeMap<Integer, PeriodFigures> monthMap, Emission ctx) {
        var rules = config.tiers();
        long points = pointsOver(monthMap, month, rules.lookbackMonths());
        // A held product can qualify for a tier whatever the points (或持有...).
        Tier byPoints = rules.bandFor(points, s.region);
        Tier floor = rules.floorFor(s.products);
        Tier band = floor.ordinal() > byPoints.ordinal() ? floor : byPoints;
        Tier from = s.tier;
        if (band.ordinal() > from.ordinal()) {
            s.tier = band;
            s.monthsBelow = 0;
            ctx.tierChange(change(ctx.key(), s, from, band, TierDirection.UPGRADE, month, points, 0));
        } else if (from != Tier.NOT_RATED) {
            boolean below = band.ordinal() < from.ordinal();
            s.monthsBelow = below ? s.monthsBelow + 1 : 0;
            boolean downgradeDate = rules.downgradeAtMonthEnd()[firstDay(month).getMonthValue() - 1];
            if (below && downgradeDate && s.monthsBelow > rules.graceByTier()[from.ordinal()]) {
                int monthsBelow = s.monthsBelow;
                s.tier = band;
                s.monthsBelow = 0;
                ctx.tierChange(change(ctx.key(), s, from, band, TierDirection.DOWNGRADE, month, points,
                        monthsBelow));
            }
        }
        s.lastEvaluatedMonth = month;
    }

    private TierChange change(String customer, SubjectState s, Tier from, Tier to, TierDirection direction, int month,
                              long points, int monthsBelow) {
        String evaluated = YearMonth.from(firstDay(month)).toString();
        return TierChange.newBuilder()
                .setChangeId(UUID.nameUUIDFromBytes((customer + "|" + evaluated).getBytes(StandardCharsets.UTF_8)).toString())
                .setCustomerId(customer)
                .setRegion(s.region)
                .setFromTier(from)
                .setToTier(to)
                .setDirection(direction)
                .setEvaluatedMonth(evaluated)
                .setEffectiveDate(firstDay(month + 1))
                .setPoints6Months(points)
                .setToTierMinPoints(to == Tier.NOT_RATED ? 0 : config.tiers().minPoints(to, s.region))
                .setMonthsBelow(monthsBelow)
                .setPolicyVersion(config.policyVersion())
                .setEmittedAt(Instant.now())
                .build();
    }

    private CustomerContribution record(String key, SubjectState s, Tier tier, PeriodType type, LocalDate start,
                                        PeriodFigures f, TreeMap<Integer, PeriodFigures> monthMap, int month) {
        LocalDate end = type == PeriodType.DAY ? start.plusDays(1) : start.plusMonths(1);
        long spending12 = 0;
        for (PeriodFigures mf : monthMap.subMap(month - ROLLING_SPENDING_MONTHS + 1, true, month, true).values()) {
            spending12 += mf.eligibleMinor;
        }
        // Set field by field, not through a builder: an Avro builder copies its schema's field list and
        // checks every field at build(), per record (about 2.6 records per transaction); a field left
        // unset fails the serializer, which every output test would show.
        CustomerContribution r = new CustomerContribution();
        r.setSubjectType(config.subject());
        r.setSubjectId(key);
        r.setPeriodType(type);
        r.setPeriod(type == PeriodType.DAY ? start.toString() : YearMonth.from(start).toString());
        r.setPeriodStart(start);
        r.setPeriodEnd(end);
        r.setRegion(s.region);
        r.setCurrency(config.currency());
        r.setEligibleSpendingMinor(f.eligibleMinor);
        r.setExcludedSpendingMinor(f.excludedMinor);
        r.setTransactionCount(f.count);
        r.setDistinctCounterparties(f.distinctCounterparties);
        r.setInstalmentAmountMinor(f.instalmentMinor);
        r.setFeeRevenueMinor(f.feeMinor());
        r.setSpendingByMccGroup(new TreeMap<>(f.byMccGroup));
        r.setPoints(config.points(f.eligibleMinor, f.instalmentMinor, f.feeMinor()));
        r.setPoints6Months(pointsOver(monthMap, month, ROLLING_POINTS_MONTHS));
        r.setEligibleSpending12MonthsMinor(spending12);
        r.setTier(customers() ? tier : Tier.NOT_RATED);
        r.setIsFinal(f.closed);
        r.setRevision(f.revision);
        r.setLastEventTime(Instant.ofEpochMilli(f.lastEventTime));
        r.setPolicyVersion(config.policyVersion());
        r.setEmittedAt(Instant.now());
        return r;
    }

    /** Sum of monthly points over {@code count} months ending with {@code month}. */
    private long pointsOver(TreeMap<Integer, PeriodFigures> monthMap, int month, int count) {
        long points = 0;
        for (PeriodFigures f : monthMap.subMap(month - count + 1, true, month, true).values()) {
            points += config.points(f.eligibleMinor, f.instalmentMinor, f.feeMinor());
        }
        return points;
    }

    private void forgetOldSales(SubjectState s, long timestamp) throws Exception {
        int today = calendar.businessDay(timestamp);
        if (!customers() || s.lastSalesCleanupDay == today) {
            return;
        }
        s.lastSalesCleanupDay = today;
        if (s.oldestSaleTime != null
                && (s.oldestSaleTime == Long.MAX_VALUE || s.oldestSaleTime + config.refundWindowMillis() > timestamp)) {
            return; // nothing can have left the window: no scan (on RocksDB, a seek)
        }
        long oldestKept = Math.min(forgetOldSales(salePrints, timestamp), forgetOldSales(salesById, timestamp));
        s.oldestSaleTime = oldestKept;
    }

    /** Forgets the sales whose refund window has passed; the oldest kept sale's time, or Long.MAX_VALUE. */
    private <K> long forgetOldSales(MapState<K, SaleMemo> sales, long timestamp) throws Exception {
        Iterator<Map.Entry<K, SaleMemo>> it = sales.iterator();
        long oldestKept = Long.MAX_VALUE;
        boolean removed = false;
        while (it.hasNext()) {
            long saleTime = it.next().getValue().eventTime;
            if (saleTime + config.refundWindowMillis() <= timestamp) {
                it.remove();
                removed = true;
            } else {
                oldestKept = Math.min(oldestKept, saleTime);
            }
        }
        // The heap backend keeps an empty map for the key after its last entry is removed.
        if (removed && oldestKept == Long.MAX_VALUE) {
            sales.clear();
        }
        return oldestKept;
    }

    /** Counts the counterparty in the period the first time it is seen there. */
    private void countCounterparty(PeriodFigures f, String prefix, String counterparty, long print) throws Exception {
        if (f.counterpartyPrints != null) {
            CounterpartyPrints.add(f, print);
        } else if (firstTime(prefix + counterparty)) {
            // A period begun before the fingerprints were kept: its ids are in the map state.
            f.distinctCounterparties++;
        }
    }

    /** Records the counterparty of a period in the map state; true the first time. */
    private boolean firstTime(String key) throws Exception {
        if (counterparties.contains(key)) {
            return false;
        }
        counterparties.put(key, Boolean.TRUE);
        return true;
    }

    private void forgetCounterparties(String prefix) throws Exception {
        Iterator<String> it = counterparties.keys().iterator();
        boolean any = false;
        boolean kept = false;
        while (it.hasNext()) {
            if (it.next().startsWith(prefix)) {
                it.remove();
                any = true;
            } else {
                kept = true;
            }
        }
        // The heap backend keeps an empty map for the key after its last entry is removed.
        if (any && !kept) {
            counterparties.clear();
        }
    }

    private static String dayPrefix(int day) {
        return "D" + day + "|";
    }

    private static String monthPrefix(int month) {
        return "M" + month + "|";
    }

    /** The stored figures, or those of a period begun now (which keeps its counterparties' fingerprints). */
    private static PeriodFigures orNew(PeriodFigures f) {
        if (f != null) {
            return f;
        }
        PeriodFigures fresh = new PeriodFigures();
        fresh.counterpartyPrints = CounterpartyPrints.NONE;
        return fresh;
    }

    static int monthIndex(LocalDate date) {
        return date.getYear() * 12 + date.getMonthValue() - 1;
    }

    static LocalDate firstDay(int monthIndex) {
        return LocalDate.of(Math.floorDiv(monthIndex, 12), Math.floorMod(monthIndex, 12) + 1, 1);
    }

    private long monthEnd(int monthIndex) {
        return calendar.dayStart((int) firstDay(monthIndex + 1).toEpochDay());
    }
}
