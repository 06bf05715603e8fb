package io.posmon.operators;

import io.posmon.operators.checks.KeyedCheck;
import io.posmon.operators.contribution.SpendEvent;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-merchant operator: transactions and profile updates of one merchant meet here. It drops
 * retransmissions and declined transactions before any rule sees them, sends events later than the
 * allowed lateness to a side output, runs every keyed check on the rest, and forwards the
 * transactions that can satisfy a pattern rule to that rule's CEP operator.
 */
public class MerchantRiskFunction extends KeyedCoProcessFunction<String, PosTransaction, MerchantProfile, MerchantAlert> {

    public static final OutputTag<PosTransaction> LATE =
            new OutputTag<>("late-transactions", new AvroTypeInfo<>(PosTransaction.class));

    /** Every approved, first-seen transaction with its merchant's data, late or not, for the contribution pipeline. */
    public static final OutputTag<SpendEvent> SPEND =
            new OutputTag<>("spend", TypeInformation.of(SpendEvent.class));

    private static final long HOUR_MILLIS = 3_600_000L;

    private final EngineConfig engine;
    private final MccGroupTable groups;
    private final List<KeyedCheck> checks;
    private final List<CompiledPattern> patterns;
    private final StartupProfiles startupProfiles;
    private final boolean emitSpend;

    private transient BusinessCalendar calendar;
    private transient ValueState<MerchantProfile> profile;
    private transient MapState<String, SeenTransaction> seen;
    private transient ValueState<RecentTransactions> recent;
    private transient List<OutputTag<PatternCandidate>> candidateTags;
    private transient Map<String, MerchantProfile> profilesAtStartup;
    private transient TransactionContext.SeenLookup seenLookup;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter unknownMerchant;

    public MerchantRiskFunction(EngineConfig engine, MccGroupTable groups, List<KeyedCheck> checks,
                                List<CompiledPattern> patterns, StartupProfiles startupProfiles) {
        this(engine, groups, checks, patterns, startupProfiles, false);
    }

    /** @param emitSpend also send every approved, first-seen transaction to {@link #SPEND} */
    public MerchantRiskFunction(EngineConfig engine, MccGroupTable groups, List<KeyedCheck> checks,
                                List<CompiledPattern> patterns, StartupProfiles startupProfiles,
                                boolean emitSpend) {
        this.emitSpend = emitSpend;
        this.engine = engine;
        this.groups = groups;
        this.checks = List.copyOf(checks);
        this.patterns = List.copyOf(patterns);
        this.startupProfiles = startupProfiles;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        calendar = new BusinessCalendar(engine.zone());
        profile = getRuntimeContext().getState(
                new ValueStateDescriptor<>("profile", new AvroTypeInfo<>(MerchantProfile.class)));
        seen = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("seen", TypeInformation.of(String.class), TypeInformation.of(SeenTransaction.class)));
        recent = getRuntimeContext().getState(new ValueStateDescriptor<>("recent", RecentTransactions.class));
        for (KeyedCheck check : checks) {
            check.open(getRuntimeContext());
        }
        candidateTags = new ArrayList<>();
        for (CompiledPattern p : patterns) {
            candidateTags.add(p.candidates());
        }
        var task = getRuntimeContext().getTaskInfo();
        profilesAtStartup = startupProfiles == null
                ? Map.of()
                : startupProfiles.loadFor(task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(),
                        task.getMaxNumberOfParallelSubtasks());
        seenLookup = new TransactionContext.SeenLookup() {
            @Override
            public SeenTransaction get(String transactionId) throws Exception {
                return seen.get(transactionId);
            }

            @Override
            public void put(String transactionId, SeenTransaction value) throws Exception {
                seen.put(transactionId, value);
            }
        };
        var metrics = getRuntimeContext().getMetricGroup();
        duplicates = metrics.counter("duplicateTransactions");
        late = metrics.counter("lateTransactions");
        unknownMerchant = metrics.counter("transactionsOfUnknownMerchants");
    }

    @Override
    public void processElement1(PosTransaction tx, Context ctx, Collector<MerchantAlert> out) throws Exception {
        long eventTime = tx.getEventTime().toEpochMilli();
        String id = tx.getTransactionId();
        if (seen.contains(id)) {
            duplicates.inc();
            return;
        }
        boolean approved = tx.getStatus() == TransactionStatus.APPROVED;
        boolean saleLike = tx.getType() == TransactionType.SALE || tx.getType() == TransactionType.PREAUTH_COMPLETION;
        SeenTransaction first = new SeenTransaction();
        first.eventTime = eventTime;
        first.amountMinor = tx.getAmountMinor();
        first.businessDay = calendar.businessDay(eventTime);
        first.creditSale = approved && saleLike && tx.getCardType() == CardType.CREDIT;
        seen.put(id, first);
        // One cleanup timer per hour at most: timers with the same time are kept once.
        ctx.timerService().registerEventTimeTimer(ceilToHour(eventTime + engine.dedupeHorizonMillis()));
        if (!approved) {
            return;
        }
        MerchantProfile merchant = profile.value();
        if (merchant == null) {
            merchant = profilesAtStartup.get(tx.getMerchantId());
            if (merchant == null) {
                unknownMerchant.inc();
            }
        }
        boolean undo = isUndo(tx);
        SeenTransaction original = undo ? seen.get(tx.getOriginalTransactionId()) : null;
        if (emitSpend) {
            SpendEvent e = spend(tx, merchant);
            e.repeatedUndo = original != null && original.undone;
            ctx.output(SPEND, e);
        }
        // The contribution pipeline has its own lateness; the risk rules stop here.
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && eventTime + engine.allowedLatenessMillis() <= watermark) {
            late.inc();
            ctx.output(LATE, tx);
            return;
        }
        List<EvidenceItem> recentItems = List.of();
        if (undo) {
            forgetUndone(tx.getOriginalTransactionId());
        }
        if (saleLike) {
            RecentTransactions r = recent.value();
            if (r == null) {
                r = new RecentTransactions();
            }
            r.add(EvidenceItem.of(tx), engine.evidenceLimit());
            recent.update(r);
            recentItems = r.items;
        }
        TransactionContext c = new TransactionContext(tx, calendar, merchant, groups, recentItems, seenLookup);
        if (undo) {
            c.originalIs(original);
        }
        for (KeyedCheck check : checks) {
            check.onTransaction(c, out);
        }
        if (undo) {
            c.persistUndo();
        }
        PatternCandidate[] candidate = new PatternCandidate[1];
        Supplier<PatternCandidate> once = () -> candidate[0] == null ? (candidate[0] = PatternCandidate.of(c)) : candidate[0];
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).accepts(tx, once)) {
                ctx.output(candidateTags.get(i), once.get());
            }
        }
    }

    @Override
    public void processElement2(MerchantProfile update, Context ctx, Collector<MerchantAlert> out) throws Exception {
        profile.update(update);
        for (KeyedCheck check : checks) {
            check.onProfile(update.getMerchantId(), update, out);
        }
    }

    /** Forgets transaction ids older than the dedupe horizon. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MerchantAlert> out) throws Exception {
        Iterator<Map.Entry<String, SeenTransaction>> it = seen.iterator();
        while (it.hasNext()) {
            if (it.next().getValue().eventTime + engine.dedupeHorizonMillis() <= timestamp) {
                it.remove();
            }
        }
    }

    private SpendEvent spend(PosTransaction tx, MerchantProfile merchant) {
        SpendEvent e = new SpendEvent();
        e.tx = tx;
        e.profileKnown = merchant != null;
        e.mcc = merchant == null ? null : merchant.getMcc();
        e.mccGroup = merchant == null ? groups.fallback() : groups.groupOf(merchant.getMcc());
        e.feeRateBps = merchant == null ? 0 : merchant.getFeeRateBps();
        e.merchantRegion = merchant == null ? null : merchant.getRegion();
        return e;
    }

    private static boolean isUndo(PosTransaction tx) {
        return (tx.getType() == TransactionType.VOID || tx.getType() == TransactionType.REVERSAL)
                && tx.getOriginalTransactionId() != null;
    }

    /** A voided or reversed sale is no longer evidence of anything. */
    private void forgetUndone(String originalId) throws Exception {
        RecentTransactions r = recent.value();
        if (r != null && r.items.removeIf(e -> e.transactionId.equals(originalId))) {
            recent.update(r);
        }
    }

    private static long ceilToHour(long millis) {
        return Math.floorDiv(millis + HOUR_MILLIS - 1, HOUR_MILLIS) * HOUR_MILLIS;
    }
}
