package io.posmon.bench;

import io.posmon.metrics.InJvmMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One Flink MiniCluster in this JVM for every benchmark run (one TaskManager, a slot per core used),
 * so runs are timed without the cluster's start-up, and each run's checkpoint statistics can be read
 * from its archived execution graph when it ends.
 */
final class BenchCluster implements AutoCloseable {

    private final MiniCluster cluster;
    private final int slots;
    private final boolean collectBeforeEachRun;

    /**
     * @param collectBeforeEachRun a full collection of the heap before each run starts (not timed):
     *                             otherwise a run pays for the garbage the runs before it left (their
     *                             jobs' whole state caches) whenever the old generation fills during it
     */
    BenchCluster(int slots, String managedMemory, boolean collectBeforeEachRun) throws Exception {
        this.slots = slots;
        this.collectBeforeEachRun = collectBeforeEachRun;
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, org.apache.flink.configuration.MemorySize.parse(managedMemory));
        // The tasks' busy, back-pressured and idle times are read from Flink's own gauges.
        InJvmMetrics.enable(conf);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        cluster.start();
    }

    /**
     * What one finished run measured.
     *
     * @param cpuSeconds the CPU time of all the JVM's threads during the run (broker and cluster
     *                   included): unlike the wall time, it does not count time the machine's
     *                   host gave to others, so it compares runs better than events/s does
     * @param taskTimes  each task's busy, back-pressured and idle time, as Flink counts them
     */
    record Finished(long netRuntimeMillis, long peakHeapBytes, int checkpoints, long checkpointMedianMillis,
                    long checkpointMaxMillis, long stateBytes, long largestOperatorStateBytes, String largestOperator,
                    Map<String, Double> cpuPercentOfOneCore, double cpuSeconds, GcPauses collections,
                    Map<String, TaskTimes.Split> taskTimes) {
    }

    /** Submits the job built in {@code env} and returns when it has ended. */
    Finished runToEnd(StreamExecutionEnvironment env, String name) throws Exception {
        if (collectBeforeEachRun) {
            System.gc();
        }
        GcPauses gcBefore = GcPauses.now();
        JobID id = submit(env, name);
        ThreadCpu cpu = new ThreadCpu(500);
        try (HeapSampler heap = new HeapSampler(); cpu; TaskTimes tasks = new TaskTimes(id, 100)) {
            JobResult result = cluster.requestJobResult(id).get();
            if (!result.isSuccess()) {
                throw new IllegalStateException(name + " failed",
                        result.getSerializedThrowable().map(t -> t.deserializeError(getClass().getClassLoader())).orElse(null));
            }
            cpu.close();
            GcPauses collections = GcPauses.now().since(gcBefore);
            return figures(result.getNetRuntime(), heap.peak(), cluster.getArchivedExecutionGraph(id).get(),
                    cpu.percentOfOneCore(), cpu.cpuSeconds(), collections, tasks.byTask());
        }
    }

    JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph).get().getJobID();
    }

    /** The job's execution graph now, running or ended: its checkpoint statistics among others. */
    ArchivedExecutionGraph graph(JobID id) throws Exception {
        return cluster.getArchivedExecutionGraph(id).get();
    }

    /** Cancels the job and returns once its slots are free again for the next run. */
    void cancel(JobID id) throws Exception {
        cluster.cancelJob(id).get();
        cluster.requestJobResult(id).get();
        while (cluster.requestClusterOverview().get().getNumSlotsAvailable() < slots) {
            Thread.sleep(100);
        }
    }

    private static Finished figures(long netRuntime, long peakHeap, ArchivedExecutionGraph graph,
                                    Map<String, Double> cpu, double cpuSeconds, GcPauses collections,
                                    Map<String, TaskTimes.Split> taskTimes) {
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        var durations = stats.getSummaryStats().getEndToEndDurationStats();
        CompletedCheckpointStats latest = stats.getHistory().getLatestCompletedCheckpoint();
        long state = 0;
        long largest = 0;
        String largestName = "-";
        if (latest != null) {
            state = latest.getStateSize();
            for (AccessExecutionJobVertex v : graph.getAllVertices().values()) {
                var task = latest.getTaskStateStats(v.getJobVertexId());
                if (task != null && task.getStateSize() > largest) {
                    largest = task.getStateSize();
                    largestName = v.getName();
                }
            }
        }
        int completed = (int) stats.getCounts().getNumberOfCompletedCheckpoints();
        return new Finished(netRuntime, peakHeap, completed,
                completed == 0 ? 0 : (long) durations.getQuantile(0.5), completed == 0 ? 0 : durations.getMaximum(),
                state, largest, largestName, cpu, cpuSeconds, collections, taskTimes);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    /** Samples the JVM's used heap (broker, cluster and job together) every 50 ms and keeps the highest. */
    static final class HeapSampler implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-heap-sampler");
            t.setDaemon(true);
            return t;
        });
        private final AtomicLong peak = new AtomicLong();

        HeapSampler() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                    0, Duration.ofMillis(50).toMillis(), TimeUnit.MILLISECONDS);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
