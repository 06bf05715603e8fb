package io.posmon.jobs;

import io.posmon.schema.PosTransaction;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Chaos for recovery tests: an operator on the transaction stream that throws once after each
 * chosen checkpoint completes, failing the job at a point where its state, its Kafka offsets and
 * the open Kafka transactions of its sinks must all be recovered. Only tests set it; a job
 * without it has no such operator.
 *
 * <p>What has been thrown is kept per plan in this JVM (a MiniCluster restarts tasks in the same
 * JVM), so each chosen checkpoint fails the job exactly once.
 */
public final class FaultInjection implements Serializable {

    private static final Map<String, Set<Long>> THROWN = new ConcurrentHashMap<>();

    private final String plan;
    private final SortedSet<Long> afterCheckpoints;

    /** @param afterCheckpoints ids of the checkpoints after whose completion the job fails once */
    public FaultInjection(String plan, Set<Long> afterCheckpoints) {
        this.plan = plan;
        this.afterCheckpoints = new TreeSet<>(afterCheckpoints);
        THROWN.putIfAbsent(plan, ConcurrentHashMap.newKeySet());
    }

    /** How many failures this plan has injected so far. */
    public int injected() {
        return THROWN.getOrDefault(plan, Set.of()).size();
    }

    RichMapFunction<PosTransaction, PosTransaction> operator() {
        return new Thrower(plan, afterCheckpoints);
    }

    /** Thrown by the injected failures, so logs tell them from real ones. */
    public static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class Thrower extends RichMapFunction<PosTransaction, PosTransaction> implements CheckpointListener {
        private final String plan;
        private final SortedSet<Long> afterCheckpoints;
        private transient volatile long armedBy = -1;

        Thrower(String plan, SortedSet<Long> afterCheckpoints) {
            this.plan = plan;
            this.afterCheckpoints = afterCheckpoints;
        }

        @Override
        public PosTransaction map(PosTransaction tx) {
            long checkpoint = armedBy;
            if (checkpoint >= 0 && THROWN.get(plan).add(checkpoint)) {
                throw new InjectedFailure("injected failure after checkpoint " + checkpoint + " (plan " + plan + ")");
            }
            return tx;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && afterCheckpoints.contains(checkpointId)
                    && !THROWN.get(plan).contains(checkpointId)) {
                armedBy = checkpointId;
            }
        }
    }
}
