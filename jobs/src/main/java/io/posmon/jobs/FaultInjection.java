package io.posmon.jobs;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Chaos for recovery tests: an operator in front of the alert sink that fails the job when a
 * checkpoint completes, then again after a later one, until the plan's number of failures: each
 * time the job's state, its Kafka offsets and the open Kafka transactions of its sinks must all be
 * recovered. It sits at the end of the graph, whose tasks live until the input is done (a source
 * task finishes as soon as it has handed on its input). Only tests set it; a job without it has no
 * such operator.
 *
 * <p>What has been thrown is kept per plan in this JVM (a MiniCluster restarts tasks in the same
 * JVM), so each chosen checkpoint fails the job exactly once.
 */
public final class FaultInjection implements Serializable {

    private static final Map<String, ConcurrentSkipListSet<Long>> THROWN = new ConcurrentHashMap<>();

    private final String plan;
    private final int failures;
    private final long spacing;

    /**
     * @param failures how many times to fail the job
     * @param spacing  fail after a checkpoint at least this many checkpoint ids after the previous failure's
     */
    public FaultInjection(String plan, int failures, long spacing) {
        this.plan = plan;
        this.failures = failures;
        this.spacing = spacing;
        THROWN.putIfAbsent(plan, new ConcurrentSkipListSet<>());
    }

    /** How many failures this plan has injected so far. */
    public int injected() {
        return THROWN.get(plan).size();
    }

    <T> RichMapFunction<T, T> operator() {
        return new Thrower<>(plan, failures, spacing);
    }

    /** Thrown by the injected failures, so logs tell them from real ones. */
    public static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class Thrower<T> extends RichMapFunction<T, T> implements CheckpointListener {
        private final String plan;
        private final int failures;
        private final long spacing;

        Thrower(String plan, int failures, long spacing) {
            this.plan = plan;
            this.failures = failures;
            this.spacing = spacing;
        }

        @Override
        public T map(T value) {
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            ConcurrentSkipListSet<Long> thrown = THROWN.get(plan);
            boolean due = thrown.size() < failures && (thrown.isEmpty() || checkpointId >= thrown.last() + spacing);
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && due && thrown.add(checkpointId)) {
                throw new InjectedFailure("injected failure after checkpoint " + checkpointId + " (plan " + plan + ")");
            }
        }
    }
}
