package io.posmon.jobs;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Chaos for recovery tests: an operator in front of the alert sink that fails the job when a
 * checkpoint completes, then again after a later one, until the plan's number of failures: each
 * time the job's state, its Kafka offsets and the open Kafka transactions of its sinks must all be
 * recovered. It sits at the end of the graph, whose tasks live until the input is done (a source
 * task finishes as soon as it has handed on its input). Only tests set it; a job without it has no
 * such operator.
 *
 * <p>A run whose input ends before the plan's checkpoints have all come fails at the end of its
 * input for each failure still due. What has been thrown is kept per plan in this JVM (a MiniCluster
 * restarts tasks in the same JVM), so each chosen checkpoint fails the job exactly once.
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

    <T> OneInputStreamOperator<T, T> operator() {
        return new Thrower<>(plan, failures, spacing);
    }

    /** Thrown by the injected failures, so logs tell them from real ones. */
    public static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class Thrower<T> extends AbstractStreamOperator<T>
            implements OneInputStreamOperator<T, T>, BoundedOneInput {
        private final String plan;
        private final int failures;
        private final long spacing;

        Thrower(String plan, int failures, long spacing) {
            this.plan = plan;
            this.failures = failures;
            this.spacing = spacing;
        }

        @Override
        public void processElement(StreamRecord<T> element) {
            output.collect(element);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            super.notifyCheckpointComplete(checkpointId);
            ConcurrentSkipListSet<Long> thrown = THROWN.get(plan);
            boolean due = thrown.size() < failures && (thrown.isEmpty() || checkpointId >= thrown.last() + spacing);
            if (firstSubtask() && due && thrown.add(checkpointId)) {
                throw new InjectedFailure("injected failure after checkpoint " + checkpointId + " (plan " + plan + ")");
            }
        }

        /**
         * A fast run can reach the end of its input before enough checkpoints have completed: the
         * failures still due are thrown here, one per end of input, so a plan always injects all
         * of them (each restart replays from the last checkpoint and ends here again).
         */
        @Override
        public void endInput() {
            ConcurrentSkipListSet<Long> thrown = THROWN.get(plan);
            if (firstSubtask() && thrown.size() < failures) {
                long endOfInput = -1L - thrown.size(); // below every checkpoint id, so the spacing is unaffected
                thrown.add(endOfInput);
                throw new InjectedFailure("injected failure at the end of the input (plan " + plan + ")");
            }
        }

        private boolean firstSubtask() {
            return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        }
    }
}
