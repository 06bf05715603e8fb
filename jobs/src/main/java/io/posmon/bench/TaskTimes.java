package io.posmon.bench;

import io.posmon.metrics.InJvmMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Gauge;

/**
 * Flink's own account of where each task's time went during a run: busy (processing), back-pressured
 * (waiting for room in the buffers towards the next task) or idle (waiting for input). The CPU by
 * thread says what ran; this says which task the others waited for. Busy includes the time a task's
 * thread was ready but had no core.
 *
 * <p>Read from the tasks' accumulated-time gauges, reported to {@link InJvmMetrics}. A task's gauges
 * go away when it finishes, so they are sampled while the job runs and the last sample of each
 * subtask is kept: a subtask's figures may miss up to one period before its end.
 */
final class TaskTimes implements AutoCloseable {

    /** Flink's names of the three accumulated times of a task, in milliseconds since the task started. */
    private static final List<String> GAUGES = List.of("accumulateBusyTimeMs", "accumulateBackPressuredTimeMs",
            "accumulateIdleTimeMs");

    /** One task's time, summed over its subtasks, in milliseconds. */
    record Split(long busy, long backPressured, long idle) {
        long total() {
            return busy + backPressured + idle;
        }

        String text() {
            long t = total();
            return t <= 0 ? "not measured" : String.format(Locale.ROOT, "busy %.0f%%, back-pressured %.0f%%, idle %.0f%%",
                    100.0 * busy / t, 100.0 * backPressured / t, 100.0 * idle / t);
        }
    }

    private final String jobId;
    /** The last value of each gauge, by task name, subtask and gauge. */
    private final Map<String, long[]> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-task-times");
        t.setDaemon(true);
        return t;
    });

    TaskTimes(JobID job, long periodMillis) {
        this.jobId = job.toString();
        timer.scheduleAtFixedRate(this::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        for (InJvmMetrics.Registered r : InJvmMetrics.all()) {
            int which = GAUGES.indexOf(r.name());
            if (which < 0 || !jobId.equals(r.variables().get("<job_id>")) || !(r.metric() instanceof Gauge<?> g)) {
                continue;
            }
            if (g.getValue() instanceof Number n) {
                String key = r.variables().get("<task_name>") + "\u0000" + r.variables().get("<subtask_index>");
                latest.computeIfAbsent(key, k -> new long[GAUGES.size()])[which] = n.longValue();
            }
        }
    }

    /**
     * Each task's time, summed over its subtasks, by the name of its chain's first operator (a chain
     * is one task: its operators run in one thread).
     */
    Map<String, Split> byTask() {
        Map<String, long[]> sums = new TreeMap<>();
        latest.forEach((key, values) -> {
            long[] sum = sums.computeIfAbsent(chainHead(key.substring(0, key.indexOf('\u0000'))),
                    k -> new long[GAUGES.size()]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values[i];
            }
        });
        Map<String, Split> split = new LinkedHashMap<>();
        sums.forEach((task, s) -> split.put(task, new Split(s[0], s[1], s[2])));
        return split;
    }

    /** "Source: transactions" of "Source: transactions -> decode-transactions -> ...". */
    static String chainHead(String taskName) {
        int arrow = taskName.indexOf(" -> ");
        return arrow < 0 ? taskName : taskName.substring(0, arrow);
    }

    static String summary(Map<String, Split> byTask) {
        if (byTask.isEmpty()) {
            return "not measured";
        }
        StringBuilder s = new StringBuilder();
        byTask.forEach((task, split) -> s.append(s.length() == 0 ? "" : "; ").append(task).append(": ").append(split.text()));
        return s.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
