package io.posmon.operators.patterns;

import io.posmon.operators.LiveRules;
import io.posmon.operators.state.KeyedStateCache;
import io.posmon.operators.state.StateCachingOperators;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.RuleSetSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Every pattern rule of the rule set in force, in one keyed operator whose rules can change while
 * it runs. flink-cep 2.2 has no dynamic patterns, and its CEP operator runs one pattern fixed when
 * the job is built; this operator does what that operator does (buffer candidates until the
 * watermark passes them, feed them in event-time order to an NFA, advance time, emit matches) with
 * flink-cep's own NFA compiler, NFA and shared buffer, but chooses the NFA per key. A rule whose
 * steps each take an exact number of transactions ({@link CountedSteps}, every shipped rule) runs on
 * {@link CountedStepsMatcher} instead, with the same results and one value per key in place of the
 * NFA state and shared buffer. All of its state (queue, matches, NFA state, shared buffer) goes
 * through a {@link KeyedStateCache}: a key's partial matches stay in memory between checkpoints,
 * and the buffer's event counter, which every time advance iterates, is stored as one value per key:
 *
 * <ul>
 *   <li>The key is rule id, rule version and partition ({@link CompiledPattern#routeKey}), so every
 *       key belongs to exactly one version of one rule, and the NFA state and shared buffer need
 *       no per-rule state names.</li>
 *   <li>An unchanged rule keeps its keys and so its partial matches across rule changes; an edited
 *       rule has a new version, so new keys, and starts afresh.</li>
 *   <li>A removed or replaced rule version's keys are cleared when the new rule set arrives.</li>
 * </ul>
 */
public class PatternRulesFunction extends KeyedBroadcastProcessFunction<String, RuleCandidate, RuleSetSnapshot, MerchantAlert>
        implements StateCachingOperators.CachesKeyedState {

    /** Candidates waiting for the watermark, by event time. */
    private static final String CANDIDATE_QUEUE = "candidates-by-time";
    /** A {@link CountedSteps} rule's matches in progress: the one value per key that replaces flink-cep's state. */
    private static final String COUNTED_MATCHES = "counted-matches";
    /** flink-cep's count of events per timestamp in its shared buffer, iterated at every time advance. */
    private static final String SHARED_BUFFER_EVENT_COUNTER = "sharedBuffer-events-count";
    /**
     * Every state of this operator is changed only through update and put: this class's (an NFA state
     * is written when flink-cep marks it changed, as its own CepOperator does) and flink-cep's shared
     * buffer (written for RocksDB, it puts every entry it changes). Reading them writes nothing back.
     */
    private static final Set<String> CHANGED_ONLY_BY_UPDATE = Set.of("nfa-state", COUNTED_MATCHES, CANDIDATE_QUEUE,
            "waited-for-rules",
            "sharedBuffer-events", "sharedBuffer-entries-with-lockable-edges", SHARED_BUFFER_EVENT_COUNTER);

    private final LiveRules live;
    /** Whether rules of {@link CountedSteps}' shape run on {@link CountedStepsMatcher} (false: all on flink-cep). */
    private final boolean countedRuntime;

    private transient ValueState<NFAState> nfaStates;
    private transient ValueState<CountedMatches> countedMatches;
    private transient MapState<Long, List<RuleCandidate>> queue;
    /** Set while candidates wait for a rule set this operator has not received yet. */
    private transient ValueState<Boolean> waitedForRules;
    private transient SharedBuffer<PatternCandidate> buffer;
    private transient KeyedStateCache keyedState;
    private transient org.apache.flink.cep.time.TimerService cepTime;
    private transient long builtSequence;
    private transient Map<String, Running> running;
    private transient Counter lateCandidates;
    private transient Counter retiredCandidates;

    /** One rule version ready to run: its NFA (shared by all its keys; their state is keyed) and alert. */
    private record Running(NFA<PatternCandidate> nfa, AfterMatchSkipStrategy skip, MatchToAlert toAlert,
                           CountedStepsMatcher counted) {
    }

    public PatternRulesFunction(LiveRules live) {
        this(live, true);
    }

    private PatternRulesFunction(LiveRules live, boolean countedRuntime) {
        this.live = live;
        this.countedRuntime = countedRuntime;
    }

    /** Every rule on flink-cep's NFA, as before {@link CountedStepsMatcher}: the reference its tests compare with. */
    static PatternRulesFunction onFlinkCepOnly(LiveRules live) {
        return new PatternRulesFunction(live, false);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        keyedState = new KeyedStateCache(getRuntimeContext(), Set.of(SHARED_BUFFER_EVENT_COUNTER), CHANGED_ONLY_BY_UPDATE,
                live.initial().engine().stateCacheLimits());
        nfaStates = keyedState.getState(new ValueStateDescriptor<>("nfa-state", new NFAStateSerializer()));
        countedMatches = keyedState.getState(new ValueStateDescriptor<>(COUNTED_MATCHES, CountedMatches.class));
        queue = keyedState.getMapState(new MapStateDescriptor<>(CANDIDATE_QUEUE, Types.LONG,
                Types.LIST(TypeInformation.of(RuleCandidate.class))));
        waitedForRules = keyedState.getState(new ValueStateDescriptor<>("waited-for-rules", Types.BOOLEAN));
        buffer = new SharedBuffer<>(keyedState,
                getRuntimeContext().createSerializer(TypeInformation.of(PatternCandidate.class)),
                new SharedBufferCacheConfig());
        cepTime = () -> 0L;
        builtSequence = -1;
        running = Map.of();
        var metrics = getRuntimeContext().getMetricGroup();
        lateCandidates = metrics.counter("patternCandidatesBehindWatermark");
        retiredCandidates = metrics.counter("patternCandidatesOfReplacedRules");
        metrics.gauge("activePatternRules", () -> running.size());
    }

    @Override
    public KeyedStateCache stateCache() {
        return keyedState;
    }

    @Override
    public void close() throws Exception {
        if (buffer != null) {
            buffer.releaseCacheStatisticsTimer();
        }
    }

    /** Buffers the candidate until the watermark passes it: the NFA must see each key's events in time order. */
    @Override
    public void processElement(RuleCandidate rc, ReadOnlyContext ctx, Collector<MerchantAlert> out) throws Exception {
        long time = rc.candidate.transaction.eventTime;
        if (behindWatermark(rc, ctx.timerService().currentWatermark())) {
            return;
        }
        try {
            List<RuleCandidate> at = queue.get(time);
            if (at == null) {
                at = new ArrayList<>();
                ctx.timerService().registerEventTimeTimer(time);
            }
            at.add(rc);
            queue.put(time, at);
        } finally {
            keyedState.endOfCall();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MerchantAlert> out) throws Exception {
        try {
            fire(timestamp, new TimerDue(ctx), out);
        } finally {
            keyedState.endOfCall();
        }
    }

    /**
     * What taking a key's candidates needs from its caller: a timer's context here, the operator's
     * buffer of candidates in {@link PatternRulesOperator}.
     */
    interface Due {
        ReadOnlyBroadcastState<Long, RuleSetSnapshot> rules() throws Exception;

        /** The current key: rule, version and partition. */
        String key();

        /** Event time as far as this key's timers have reached. */
        long watermark();

        void registerTimer(long time);
    }

    private static final class TimerDue implements Due {
        private final OnTimerContext ctx;

        TimerDue(OnTimerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public ReadOnlyBroadcastState<Long, RuleSetSnapshot> rules() throws Exception {
            return ctx.getBroadcastState(LiveRules.IN_FORCE);
        }

        @Override
        public String key() {
            return ctx.getCurrentKey();
        }

        @Override
        public long watermark() {
            return ctx.timerService().currentWatermark();
        }

        @Override
        public void registerTimer(long time) {
            ctx.timerService().registerEventTimeTimer(time);
        }
    }

    /** Whether a candidate this late is dropped, as flink-cep drops an event behind the watermark (counted). */
    boolean behindWatermark(RuleCandidate rc, long watermark) {
        if (rc.candidate.transaction.eventTime <= watermark) {
            lateCandidates.inc();
            return true;
        }
        return false;
    }

    /**
     * The current key's candidates of one event time, which the watermark has passed, from
     * {@link PatternRulesOperator}'s buffer instead of this function's queue: what the timer of that
     * time does with queued ones. A key that waits for a rule set (or whose rule is gone) queues them
     * with those already queued and goes the timer's way, so it still takes them in time order.
     */
    void processDue(long time, List<RuleCandidate> due, Due ctx, Collector<MerchantAlert> out) throws Exception {
        try {
            LiveRules.InForce inForce = live.current(ctx.rules());
            Running rule = runningFor(inForce).get(CompiledPattern.ruleOf(ctx.key()));
            if (rule == null || waitedForRules.value() != null) {
                List<RuleCandidate> at = queue.get(time);
                if (at == null) {
                    at = new ArrayList<>();
                }
                at.addAll(due);
                queue.put(time, at);
                fire(time, ctx, out);
                return;
            }
            KeyMatching matching = matchingOf(rule, ctx, out);
            take(matching, time, due);
            matching.store();
        } finally {
            keyedState.endOfCall();
        }
    }

    private static void take(KeyMatching matching, long time, List<RuleCandidate> due) throws Exception {
        if (!matching.idle()) {
            matching.advanceTime(time);
        }
        for (RuleCandidate rc : due) {
            matching.process(rc.candidate, time);
        }
    }

    private void fire(long timestamp, Due ctx, Collector<MerchantAlert> out) throws Exception {
        LiveRules.InForce inForce = live.current(ctx.rules());
        Running rule = runningFor(inForce).get(CompiledPattern.ruleOf(ctx.key()));
        long watermark = ctx.watermark();
        if (rule == null) {
            if (chosenUnderLaterRules(inForce.sequence())) {
                // The merchant operator already runs a rule set this operator has not received: wait for it.
                waitedForRules.update(Boolean.TRUE);
                ctx.registerTimer(watermark + 1);
            } else {
                for (List<RuleCandidate> l : queue.values()) {
                    retiredCandidates.inc(l.size());
                }
                keyedState.clearCurrentKey();
            }
            return;
        }
        KeyMatching matching = matchingOf(rule, ctx, out);
        boolean leftByWait = waitedForRules.value() != null;
        List<RuleCandidate> due = leftByWait ? null : queue.get(timestamp);
        if (due != null) {
            // The usual case: this timer is its candidates' time. Every earlier time of this key had its
            // own timer, fired before this one, so the queue holds nothing older: no need to scan it.
            take(matching, timestamp, due);
            queue.remove(timestamp);
        } else if (leftByWait) {
            // A retry after waiting for rules: the candidates whose timers fired during the wait are
            // still queued; take them in time order. Only this rare path scans the queue: on RocksDB a
            // scan is a seek past every deleted entry of the key.
            PriorityQueue<Long> times = new PriorityQueue<>();
            for (Long t : queue.keys()) {
                times.add(t);
            }
            while (!times.isEmpty() && times.peek() <= watermark) {
                long time = times.poll();
                matching.advanceTime(time);
                for (RuleCandidate rc : queue.get(time)) {
                    matching.process(rc.candidate, time);
                }
                queue.remove(time);
            }
            waitedForRules.clear();
            matching.advanceTime(watermark);
        } else if (!matching.idle()) {
            // A window's end: time out the partial matches started a window ago. Only up to this
            // timer's time: candidates between it and the watermark come with their own timers, after
            // this one, and must meet the partial matches as they were at their own time.
            matching.advanceTime(timestamp);
        }
        matching.store();
    }

    /**
     * The key's matching on the runtime its rule runs on: {@link CountedStepsMatcher} where the rule
     * has that shape, flink-cep's NFA otherwise. A key whose partial matches began on flink-cep (state
     * restored from a version of the engine before the counted runtime) finishes them there.
     */
    private KeyMatching matchingOf(Running rule, Due ctx, Collector<MerchantAlert> out) throws Exception {
        if (rule.counted() != null) {
            CountedMatches stored = countedMatches.value();
            if (stored != null) {
                return new CountedKeyMatching(rule, stored, stored, ctx, out);
            }
            if (nfaStates.value() == null) {
                return new CountedKeyMatching(rule, null, new CountedMatches(), ctx, out);
            }
        }
        NFAState stored = nfaStates.value();
        return new NfaKeyMatching(rule, stored, stored != null ? stored : rule.nfa().createInitialNFAState(), ctx, out);
    }

    /** One key's matches in progress during one timer, on either runtime. */
    private interface KeyMatching {
        /** Nothing has started: no partial match can time out, nothing waits to be reported. */
        boolean idle();

        void advanceTime(long time) throws Exception;

        void process(PatternCandidate event, long time) throws Exception;

        /** Writes what changed, or clears the key's matching state once idle. */
        void store() throws Exception;
    }

    private final class CountedKeyMatching implements KeyMatching {
        private final Running rule;
        private final CountedMatches stored;
        private final CountedMatches matches;
        private final Due ctx;
        private final java.util.function.Consumer<Map<String, List<PatternCandidate>>> report;
        private boolean changed;

        CountedKeyMatching(Running rule, CountedMatches stored, CountedMatches matches, Due ctx,
                           Collector<MerchantAlert> out) {
            this.rule = rule;
            this.stored = stored;
            this.matches = matches;
            this.ctx = ctx;
            this.report = match -> out.collect(rule.toAlert().alert(match));
        }

        @Override
        public boolean idle() {
            return matches.idle();
        }

        @Override
        public void advanceTime(long time) {
            changed |= rule.counted().advanceTime(matches, time, report);
        }

        @Override
        public void process(PatternCandidate event, long time) throws Exception {
            CountedStepsMatcher.Outcome outcome = rule.counted().process(matches, event, time, report);
            changed |= outcome.changed();
            if (outcome.started() && rule.counted().withinMillis() > 0) {
                ctx.registerTimer(time + rule.counted().withinMillis());
            }
        }

        @Override
        public void store() throws Exception {
            if (matches.idle()) {
                if (stored != null) {
                    countedMatches.clear();
                }
            } else if (changed) {
                countedMatches.update(matches);
            }
        }
    }

    private final class NfaKeyMatching implements KeyMatching {
        private final Running rule;
        private final NFAState stored;
        private final NFAState nfaState;
        private final Due ctx;
        private final Collector<MerchantAlert> out;

        NfaKeyMatching(Running rule, NFAState stored, NFAState nfaState, Due ctx, Collector<MerchantAlert> out) {
            this.rule = rule;
            this.stored = stored;
            this.nfaState = nfaState;
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public boolean idle() {
            return nfaState.getPartialMatches().size() == 1 && nfaState.getCompletedMatches().isEmpty();
        }

        @Override
        public void advanceTime(long time) throws Exception {
            try (SharedBufferAccessor<PatternCandidate> access = buffer.getAccessor()) {
                Tuple2<Collection<Map<String, List<PatternCandidate>>>, Collection<Tuple2<Map<String, List<PatternCandidate>>, Long>>>
                        pendingAndTimedOut = rule.nfa().advanceTime(access, nfaState, time, rule.skip());
                for (Map<String, List<PatternCandidate>> match : pendingAndTimedOut.f0) {
                    out.collect(rule.toAlert().alert(match));
                }
            }
        }

        @Override
        public void process(PatternCandidate event, long time) throws Exception {
            try (SharedBufferAccessor<PatternCandidate> access = buffer.getAccessor()) {
                Collection<Map<String, List<PatternCandidate>>> matches =
                        rule.nfa().process(access, nfaState, event, time, rule.skip(), cepTime);
                if (rule.nfa().getWindowTime() > 0 && nfaState.isNewStartPartialMatch()) {
                    ctx.registerTimer(time + rule.nfa().getWindowTime());
                }
                for (Map<String, List<PatternCandidate>> match : matches) {
                    out.collect(rule.toAlert().alert(match));
                }
            }
        }

        @Override
        public void store() throws Exception {
            if (idle()) {
                // Nothing to keep; a key that had nothing stored gets no delete (a tombstone in RocksDB).
                if (stored != null) {
                    nfaStates.clear();
                }
                // No partial match holds an event of the shared buffer any more, so its per-timestamp
                // event counter can go too: flink-cep removes it only as time advances, and a key with
                // nothing started has no reason to advance time again.
                keyedState.clear(SHARED_BUFFER_EVENT_COUNTER);
            } else if (nfaState.isStateChanged()) {
                nfaState.resetStateChanged();
                nfaState.resetNewStartPartialMatch();
                nfaStates.update(nfaState);
            }
        }
    }

    private boolean chosenUnderLaterRules(long sequenceInForce) throws Exception {
        for (List<RuleCandidate> l : queue.values()) {
            for (RuleCandidate rc : l) {
                if (rc.rulesSequence > sequenceInForce) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A new rule set: put it in force and clear the state of every rule version it no longer has. */
    @Override
    public void processBroadcastElement(RuleSetSnapshot snapshot, Context ctx, Collector<MerchantAlert> out) throws Exception {
        LiveRules.Decision decision = live.offer(ctx.getBroadcastState(LiveRules.IN_FORCE), snapshot);
        if (!decision.accepted() || decision.unchanged()) {
            return; // the merchant operator reports the decision; both decide alike
        }
        var state = ctx.getBroadcastState(LiveRules.IN_FORCE);
        state.clear();
        state.put(decision.next().sequence(), snapshot);
        Set<String> retired = ruleVersions(decision.previous());
        retired.removeAll(ruleVersions(decision.next()));
        if (!retired.isEmpty()) {
            // The backend's state is about to be changed directly, key by key: write the cache, then drop it.
            keyedState.flushAll();
            keyedState.forgetAll();
            for (StateDescriptor<?, ?> d : keyedState.created()) {
                clearKeysOf(ctx, d, retired);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void clearKeysOf(Context ctx, StateDescriptor d, Set<String> ruleVersions) throws Exception {
        ctx.applyToKeyedState((StateDescriptor<State, ?>) d, (key, s) -> {
            if (ruleVersions.contains(CompiledPattern.ruleOf((String) key))) {
                ((State) s).clear();
            }
        });
    }

    private static Set<String> ruleVersions(LiveRules.InForce inForce) {
        Set<String> versions = new HashSet<>();
        for (CompiledPattern p : inForce.rules().patterns()) {
            versions.add(p.ruleVersion());
        }
        return versions;
    }

    /** The NFAs of the rules in force, compiled once per rule set (and reused for rules that did not change). */
    private Map<String, Running> runningFor(LiveRules.InForce inForce) throws Exception {
        if (inForce.sequence() == builtSequence) {
            return running;
        }
        Map<String, Running> next = new HashMap<>();
        for (CompiledPattern p : inForce.rules().patterns()) {
            String ruleVersion = p.ruleVersion();
            Running r = running.get(ruleVersion);
            if (r == null) {
                var pattern = p.pattern();
                NFA<PatternCandidate> nfa = NFACompiler.compileFactory(pattern, false).createNFA();
                nfa.open(getRuntimeContext(), new Configuration());
                CountedSteps counted = countedRuntime ? p.countedSteps() : null;
                r = new Running(nfa, pattern.getAfterMatchSkipStrategy(), p.alertFunction(),
                        counted == null ? null : new CountedStepsMatcher(counted));
            }
            next.put(ruleVersion, r);
        }
        running = next;
        builtSequence = inForce.sequence();
        return running;
    }
}
