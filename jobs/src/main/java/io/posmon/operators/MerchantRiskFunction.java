package io.posmon.operators;

import io.posmon.operators.checks.KeyedCheck;
import io.posmon.operators.contribution.SpendEvent;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.records.RecordTypes;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.schema.RuleSetStatus;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import io.posmon.operators.state.Fingerprints;
import io.posmon.operators.state.KeyedStateCache;
import io.posmon.operators.state.StateCachingOperators;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-merchant operator: transactions and profile updates of one merchant meet here. It drops
 * retransmissions and declined transactions before any rule sees them, sends events later than the
 * allowed lateness to a side output, runs every keyed check on the rest, and forwards the
 * transactions that can satisfy a pattern rule to the pattern operator. The rules come from
 * {@link LiveRules}: a rule set published while the job runs replaces them (broadcast input), and
 * the state of a removed check is cleared.
 */
public class MerchantRiskFunction
        extends KeyedBroadcastProcessFunction<String, Either<PosTransaction, MerchantProfile>, RuleSetSnapshot, MerchantAlert>
        implements StateCachingOperators.CachesKeyedState {

    private static final Logger LOG = LoggerFactory.getLogger(MerchantRiskFunction.class);

    public static final OutputTag<PosTransaction> LATE =
            new OutputTag<>("late-transactions", RecordTypes.TRANSACTION);

    /** Every approved, first-seen transaction with its merchant's data, late or not, for the contribution pipeline. */
    public static final OutputTag<SpendEvent> SPEND =
            new OutputTag<>("spend", TypeInformation.of(SpendEvent.class));

    /** Transactions that can satisfy a pattern rule, one per rule, for the pattern operator. */
    public static final OutputTag<RuleCandidate> CANDIDATES =
            new OutputTag<>("pattern-candidates", TypeInformation.of(RuleCandidate.class));

    /** What the job did with each published rule set (from the first subtask only). */
    public static final OutputTag<RuleSetStatus> RULE_STATUS =
            new OutputTag<>("rule-status", new AvroTypeInfo<>(RuleSetStatus.class));

    private static final long HOUR_MILLIS = 3_600_000L;
    /** The transactions counted, one value per dedupe step. */
    private static final String SEEN_STEPS = "seen-steps";
    private static final String PROFILE = "profile";
    /** The transaction ids counted by versions before 2026-12-04, one entry each (see SeenTransactions). */
    private static final String SEEN_BEFORE = "seen";

    private final EngineConfig engine;
    private final LiveRules live;
    private final StartupProfiles startupProfiles;
    private final boolean emitSpend;

    private transient BusinessCalendar calendar;
    /** The dedupe ids, recent evidence and every check's state, in memory between checkpoints (see KeyedStateCache). */
    private transient KeyedStateCache stateCache;
    /** In the state cache with the merchant's other state: a transaction looks its merchant up once. */
    private transient ValueState<MerchantProfile> profile;
    /** The transactions counted within the dedupe horizon (see SeenTransactions). */
    private transient SeenTransactions seen;
    private transient ValueState<RecentTransactions> recent;
    /** The dedupe cleanup timer this merchant registered last: most transactions fall in the same step. */
    private transient ValueState<Long> cleanupTimer;
    private transient long openedSequence;
    private transient MccGroupTable groups;
    private transient List<KeyedCheck> checks;
    private transient List<CompiledPattern> patterns;
    /**
     * This subtask's merchants of the start-up file whose profile state is still empty: an entry goes
     * as soon as the merchant's profile state is written, so a merchant's profile is on the heap once
     * (in the state cache), not twice (the bench's live heap held two per merchant).
     */
    private transient Map<String, MerchantProfile> profilesAtStartup;
    /** Transactions kept by the rule evaluation time histogram for its quantiles. */
    private static final int RULE_EVALUATION_WINDOW = 10_000;
    private transient org.apache.flink.metrics.Histogram ruleEvaluation;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter unknownMerchant;
    private transient Counter rejectedRuleSets;

    public MerchantRiskFunction(LiveRules live, StartupProfiles startupProfiles) {
        this(live, startupProfiles, false);
    }

    /** @param emitSpend also send every approved, first-seen transaction to {@link #SPEND} */
    public MerchantRiskFunction(LiveRules live, StartupProfiles startupProfiles, boolean emitSpend) {
        this.emitSpend = emitSpend;
        this.live = live;
        this.engine = live.initial().engine();
        this.startupProfiles = startupProfiles;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        calendar = new BusinessCalendar(engine.zone());
        // The dedupe steps and the evidence are changed only through put and update: the cleanup's
        // iteration writes nothing back. The keyed checks' states keep the safe default. Every
        // transaction looks in all of its merchant's steps (a few): read whole, that costs no
        // backend read while the merchant stays cached.
        stateCache = new KeyedStateCache(getRuntimeContext(), Set.of(),
                Set.of(SEEN_STEPS, SEEN_BEFORE, "recent", "dedupe-cleanup-timer", PROFILE), engine.stateCacheLimits())
                .readWholeAtFirstUse(SEEN_STEPS, SEEN_BEFORE);
        // A profile is replaced by an update, never changed in place: reading it writes nothing back.
        profile = stateCache.getState(new ValueStateDescriptor<>(PROFILE, new AvroTypeInfo<>(MerchantProfile.class)));
        seen = new SeenTransactions(
                stateCache.getMapState(new MapStateDescriptor<>(SEEN_STEPS, TypeInformation.of(Long.class),
                        TypeInformation.of(SeenIds.class))),
                stateCache.getMapState(new MapStateDescriptor<>(SEEN_BEFORE, TypeInformation.of(String.class),
                        TypeInformation.of(SeenTransaction.class))),
                dedupeCleanupStep(), engine.dedupeHorizonMillis());
        recent = stateCache.getState(new ValueStateDescriptor<>("recent", RecentTransactions.class));
        cleanupTimer = stateCache.getState(new ValueStateDescriptor<>("dedupe-cleanup-timer", Long.class));
        openedSequence = -1;
        var task = getRuntimeContext().getTaskInfo();
        profilesAtStartup = startupProfiles == null
                ? new HashMap<>()
                : startupProfiles.loadFor(task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(),
                        task.getMaxNumberOfParallelSubtasks());
        var metrics = getRuntimeContext().getMetricGroup();
        duplicates = metrics.counter("duplicateTransactions");
        late = metrics.counter("lateTransactions");
        unknownMerchant = metrics.counter("transactionsOfUnknownMerchants");
        rejectedRuleSets = metrics.counter("rejectedRuleSets");
        metrics.gauge("rulesInForce", () -> checks == null ? 0 : checks.size() + patterns.size());
        metrics.gauge("ruleSetSequence", () -> openedSequence);
        metrics.gauge("merchantsOnlyInStartupFile", this::startupProfilesHeld);
        ruleEvaluation = metrics.histogram("ruleEvaluationMicros",
                new org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram(RULE_EVALUATION_WINDOW));
    }

    /** Opens the rules in force when they are not those this instance last used. */
    private long useRulesInForce(ReadOnlyContext ctx) throws Exception {
        LiveRules.InForce inForce = live.current(ctx.getBroadcastState(LiveRules.IN_FORCE));
        if (inForce.sequence() != openedSequence) {
            CompiledRules rules = inForce.rules();
            for (KeyedCheck check : rules.keyedChecks()) {
                check.open(stateCache);
            }
            groups = rules.mccGroups();
            checks = rules.keyedChecks();
            patterns = rules.patterns();
            openedSequence = inForce.sequence();
        }
        return openedSequence;
    }

    @Override
    public void processElement(Either<PosTransaction, MerchantProfile> event, ReadOnlyContext ctx,
                               Collector<MerchantAlert> out) throws Exception {
        long sequence = useRulesInForce(ctx);
        try {
            if (event.isLeft()) {
                onTransaction(event.left(), sequence, ctx, out);
            } else {
                onProfile(event.right(), out);
            }
        } finally {
            stateCache.endOfCall();
        }
    }

    /** Start-up file profiles of merchants whose profile state is still empty (this subtask's). */
    int startupProfilesHeld() {
        return profilesAtStartup == null ? 0 : profilesAtStartup.size();
    }

    @Override
    public KeyedStateCache stateCache() {
        return stateCache;
    }

    private void onTransaction(PosTransaction tx, long rulesSequence, ReadOnlyContext ctx, Collector<MerchantAlert> out)
            throws Exception {
        long eventTime = tx.getEventTime().toEpochMilli();
        long print = Fingerprints.of(tx.getTransactionId());
        if (seen.contains(print)) {
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
        seen.add(print, first);
        // Transactions are forgotten in steps of an eighth of the horizon (at least an hour): one timer
        // per step (timers with the same time are kept once), and each cleanup drops whole steps.
        long cleanupAt = ceilTo(eventTime + engine.dedupeHorizonMillis(), dedupeCleanupStep());
        Long registered = cleanupTimer.value();
        if (registered == null || registered != cleanupAt) {
            // Registering the same timer again changes nothing but costs a lookup in the timer queue.
            ctx.timerService().registerEventTimeTimer(cleanupAt);
            cleanupTimer.update(cleanupAt);
        }
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
            r.add(tx, engine.evidenceLimit());
            recent.update(r);
            recentItems = r.asList();
        }
        long evaluationStart = System.nanoTime();
        TransactionContext c = new TransactionContext(tx, calendar, merchant, groups, recentItems, seen);
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
        for (CompiledPattern p : patterns) {
            if (p.accepts(tx, once)) {
                ctx.output(CANDIDATES, new RuleCandidate(p.routeKey(once.get()), rulesSequence, once.get()));
            }
        }
        // Keyed rules and the choice of pattern candidates; the pattern rules' own time is the pattern operator's.
        ruleEvaluation.update((System.nanoTime() - evaluationStart) / 1_000);
    }

    private void onProfile(MerchantProfile update, Collector<MerchantAlert> out) throws Exception {
        profile.update(update);
        profilesAtStartup.remove(update.getMerchantId()); // the state's profile wins from now on
        for (KeyedCheck check : checks) {
            check.onProfile(update.getMerchantId(), update, out);
        }
    }

    /**
     * A published rule set: validated and compiled here, put in force if valid (the previous rules
     * stay in force otherwise), and the state of every check it no longer has is cleared.
     */
    @Override
    public void processBroadcastElement(RuleSetSnapshot snapshot, Context ctx, Collector<MerchantAlert> out) throws Exception {
        var state = ctx.getBroadcastState(LiveRules.IN_FORCE);
        LiveRules.Decision decision = live.offer(state, snapshot);
        boolean reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        if (!decision.accepted()) {
            rejectedRuleSets.inc();
            if (reporter) {
                LOG.warn("Rule set {} from {} rejected; rule set {} stays in force:\n  {}", snapshot.getVersion(),
                        snapshot.getPublishedBy(), decision.previous().sequence(), String.join("\n  ", decision.problems()));
                ctx.output(RULE_STATUS, RuleSetChanges.rejected(snapshot, decision));
            }
            return;
        }
        if (decision.unchanged()) {
            return;
        }
        state.clear();
        state.put(decision.next().sequence(), snapshot);
        // The backend's state is about to be changed directly, key by key: write the cache, then drop it.
        stateCache.flushAll();
        stateCache.forgetAll();
        for (KeyedCheck removed : RuleSetChanges.checksToClear(decision.previous().rules(), decision.next().rules())) {
            for (StateDescriptor<?, ?> d : removed.stateDescriptors()) {
                clearAllKeys(ctx, d);
            }
        }
        if (reporter) {
            RuleSetStatus status = RuleSetChanges.accepted(snapshot, decision);
            LOG.info("Rule set {} from {} in force (sequence {}): {}", snapshot.getVersion(), snapshot.getPublishedBy(),
                    decision.next().sequence(), RuleSetChanges.summary(status));
            ctx.output(RULE_STATUS, status);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void clearAllKeys(Context ctx, StateDescriptor d) throws Exception {
        ctx.applyToKeyedState((StateDescriptor<State, ?>) d, (key, s) -> ((State) s).clear());
    }

    /** Forgets transaction ids older than the dedupe horizon. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MerchantAlert> out) throws Exception {
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // The input has ended (a bounded replay or backtest): every pending timer fires now, and
            // forgetting ids no transaction can repeat any more would only cost a scan per merchant.
            return;
        }
        try {
            seen.forgetExpired(timestamp);
        } finally {
            stateCache.endOfCall();
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
        if (r != null && r.remove(originalId)) {
            recent.update(r);
        }
    }

    private long dedupeCleanupStep() {
        return Math.max(HOUR_MILLIS, engine.dedupeHorizonMillis() / 8);
    }

    private static long ceilTo(long millis, long step) {
        return Math.floorDiv(millis + step - 1, step) * step;
    }
}
