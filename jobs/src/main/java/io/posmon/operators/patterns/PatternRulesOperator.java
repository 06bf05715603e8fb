package io.posmon.operators.patterns;

import io.posmon.operators.LiveRules;
import io.posmon.operators.state.HeldUntilWatermark;
import io.posmon.operators.state.StateCachingOperators;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.RuleSetSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The pattern operator: {@link PatternRulesFunction} under the state cache, with the candidates that
 * wait for the watermark held here, by event time, instead of in each key's queue state with a timer
 * per key and time. Nearly every candidate is its key's only one in that time (for
 * many-cards-one-customer, most keys, a customer at a merchant, see one candidate a day), so the
 * queue was a map state entry, its cache slots and a Flink timer per candidate: the timers' heap
 * queue, sifted at every add and poll, was about a fifth of the operator's samples.
 *
 * <p>When the watermark passes a buffered time, the timers due by then fire first (the rules'
 * windows, and queues of earlier versions or of keys waiting for a rule set), then that time's
 * candidates are taken, key by key, then the next time's: each key sees its candidates and window
 * ends in time order, as with a timer each. The buffer is in every checkpoint, as one list per
 * subtask in union operator state; a restored subtask keeps the candidates of its own key groups,
 * so a change of parallelism keeps them too. A savepoint from before the buffer has them queued
 * with timers, which still fire.
 */
public final class PatternRulesOperator
        extends StateCachingOperators.Broadcast<String, RuleCandidate, RuleSetSnapshot, MerchantAlert> {

    private static final long serialVersionUID = 1L;

    private final PatternRulesFunction function;
    /**
     * Candidates by event time, in arrival order; grouped by key only when taken, and only where a
     * time has more than one (most times have one candidate: a map per time was garbage per candidate).
     */
    private transient HeldUntilWatermark<List<RuleCandidate>> byTime;
    /** Candidates in {@link #byTime}. */
    private transient int buffered;
    private transient ListState<byte[]> stored;
    private transient InternalTimerService<VoidNamespace> userTimers;
    private transient long watermark;
    private transient BufferedDue due;

    public PatternRulesOperator(PatternRulesFunction function) {
        super(function, List.of(LiveRules.IN_FORCE));
        this.function = function;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        byTime = new HeldUntilWatermark<>();
        watermark = Long.MIN_VALUE;
        stored = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("candidates-waiting-for-watermark", BytePrimitiveArraySerializer.INSTANCE));
        if (context.isRestored()) {
            HeldUntilWatermark.readOwn(stored, getRuntimeContext().getTaskInfo(), (in, owned) -> {
                RuleCandidate rc = CandidateSerialization.RuleCandidateSerializer.INSTANCE.deserialize(in);
                if (owned.test(rc.routeKey)) {
                    add(rc);
                }
            });
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        // The timer service the function's timers use (CoBroadcastWithKeyedOperator's, by name).
        userTimers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        due = new BufferedDue();
        getMetricGroup().gauge("patternCandidatesWaitingForWatermark", () -> buffered);
    }

    /** Holds the candidate until the watermark passes it; one behind the watermark is dropped, as before. */
    @Override
    public void processElement1(StreamRecord<RuleCandidate> element) throws Exception {
        RuleCandidate rc = element.getValue();
        if (!function.behindWatermark(rc, watermark)) {
            add(rc);
        }
    }

    private void add(RuleCandidate rc) {
        byTime.at(rc.candidate.transaction.eventTime, () -> new ArrayList<>(1)).add(rc);
        buffered++;
    }

    /** Candidates held for the watermark. */
    int buffered() {
        return buffered;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        if (byTime.anyDueBy(watermark)) {
            // The timers due by each time first, so that each key's window ends and candidates run in time order.
            byTime.takeUpTo(watermark, getTimeServiceManager().orElseThrow(), (time, candidates) -> {
                due.at(time);
                buffered -= candidates.size();
                if (candidates.size() == 1) {
                    take(time, candidates.get(0).routeKey, candidates);
                    return;
                }
                Map<String, List<RuleCandidate>> byKey = new LinkedHashMap<>();
                for (RuleCandidate rc : candidates) {
                    byKey.computeIfAbsent(rc.routeKey, k -> new ArrayList<>(1)).add(rc);
                }
                for (Map.Entry<String, List<RuleCandidate>> key : byKey.entrySet()) {
                    take(time, key.getKey(), key.getValue());
                }
            });
        }
        super.processWatermark(mark);
        byTime.timersReached(watermark);
    }

    /** One key's candidates of one time, in arrival order. */
    private void take(long time, String key, List<RuleCandidate> candidates) throws Exception {
        setCurrentKey(key);
        function.processDue(time, candidates, due, due.alerts);
        cache().writeBehind();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        HeldUntilWatermark.store(stored, buffered, 200, out -> {
            for (Map.Entry<Long, List<RuleCandidate>> atTime : byTime.entries()) {
                for (RuleCandidate rc : atTime.getValue()) {
                    CandidateSerialization.RuleCandidateSerializer.INSTANCE.serialize(rc, out);
                }
            }
        });
    }

    /** The function's view of the time being taken; alerts are timestamped with it, as a timer's are. */
    private final class BufferedDue implements PatternRulesFunction.Due {
        private final TimestampedCollector<MerchantAlert> alerts = new TimestampedCollector<>(output);
        private long time;

        void at(long time) {
            this.time = time;
            alerts.setAbsoluteTimestamp(time);
        }

        @Override
        public ReadOnlyBroadcastState<Long, RuleSetSnapshot> rules() throws Exception {
            return getOperatorStateBackend().getBroadcastState(LiveRules.IN_FORCE);
        }

        @Override
        public String key() {
            return (String) getCurrentKey();
        }

        /** As a timer of this time sees it: the timers have been advanced to it. */
        @Override
        public long watermark() {
            return time;
        }

        @Override
        public void registerTimer(long at) {
            userTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, at);
        }
    }
}
