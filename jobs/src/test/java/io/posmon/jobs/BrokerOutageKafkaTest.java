package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for a while under a running job: the in-process broker is stopped (its
 * listener, every connection and its group and transaction coordinators gone; its data kept) and
 * started again on the same port. The job, with its production restart strategy, stalls and then
 * resumes by itself; its committed outputs equal those of a run that never saw an outage.
 *
 * <p>The job reads the first third of the input and commits it; the second third is written and
 * the broker stopped at once, while the job works on it; the last third is written once the broker
 * is back. A longer outage: {@code -Dposmon.outage.seconds=90}.
 */
class BrokerOutageKafkaTest extends KafkaAndFlinkTest {

    private static final long OUTAGE_SECONDS = Long.getLong("posmon.outage.seconds", 20);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // about 90 s at the default outage
    void theJobStallsWhileTheBrokerIsDownAndResumesWithNothingLostOrDoubled(@TempDir Path tmp,
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Traffic traffic = traffic(47, 40, "2026-09-29T00:00:00", 3);
        List<MerchantProfile> profiles = traffic.profiles();
        List<PosTransaction> txs = traffic.transactions();
        assertThat(txs.get(txs.size() - 1).getEventTime()).isBefore(Tx.local("2026-10-30T00:00:00"));

        JobSettings reference = jobSettings(Files.createDirectories(tmp.resolve("reference")), true, 2);
        publish(reference, profiles, txs);
        flush(reference);
        long started = System.nanoTime();
        runToEnd(reference, true, true);
        long referenceSeconds = (System.nanoTime() - started) / 1_000_000_000;
        List<String> expectedAlerts = alerts(reference);
        Map<String, String> expectedContributions = withoutFlush(contributions(reference));
        List<String> expectedTierChanges = tierChanges(reference);
        assertThat(expectedAlerts).as("the input raises alerts").isNotEmpty();
        assertThat(expectedTierChanges).as("the input crosses a month end: tiers change").isNotEmpty();

        JobSettings s = jobSettings(Files.createDirectories(tmp.resolve("outage")), false, 2);
        s.failFast = false; // the production restart strategy: the job has to come back by itself
        int firstThird = txs.size() / 3;
        int secondThird = 2 * txs.size() / 3;
        publish(s, profiles, txs.subList(0, firstThird));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(2);
        PosmonJob.onKafka(s, true, true).build(env);
        JobClient job = env.executeAsync("broker outage");
        try {
            while (committedTransactions(s) < firstThird) {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
                Thread.sleep(200);
            }

            // The second third arrives, and the broker goes away while the job works on it.
            send(s, txs.subList(firstThird, secondThird));
            JobStatus atStop = job.getJobStatus().get();
            long committedAtStop = committedTransactions(s);
            CheckpointStatsCounts checkpointsAtStop = graph(cluster, job).getCheckpointStatsSnapshot().getCounts();
            long stopping = System.nanoTime();
            kafka.stopBroker();
            long stopped = System.nanoTime();
            Set<JobStatus> statesDuringOutage = new LinkedHashSet<>();
            while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
                JobStatus status = job.getJobStatus().get();
                statesDuringOutage.add(status);
                assertThat(status.isGloballyTerminalState()).as("the job gave up during the outage").isFalse();
                Thread.sleep(200);
            }
            CheckpointStatsCounts checkpointsAtRestart = graph(cluster, job).getCheckpointStatsSnapshot().getCounts();
            long restarting = System.nanoTime();
            kafka.startBroker();
            long restarted = System.nanoTime();

            // The last third arrives once the broker is back; the job must catch up by itself.
            send(s, txs.subList(secondThird, txs.size()));
            flush(s);
            long lastThirdSent = System.nanoTime();
            long resumed = 0;
            long outputsComplete = 0;
            long allInputCommitted = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            Set<JobStatus> statesAfterRestart = new LinkedHashSet<>();
            while ((outputsComplete == 0 || allInputCommitted == 0) && System.nanoTime() < deadline) {
                JobStatus status = job.getJobStatus().get();
                statesAfterRestart.add(status);
                assertThat(status.isGloballyTerminalState()).as("the job gave up after the outage").isFalse();
                if (resumed == 0 && graph(cluster, job).getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints()
                        > checkpointsAtRestart.getNumberOfCompletedCheckpoints()) {
                    resumed = System.nanoTime();
                }
                if (outputsComplete == 0 && alerts(s).size() >= expectedAlerts.size()
                        && tierChanges(s).size() >= expectedTierChanges.size()
                        && withoutFlush(contributions(s)).equals(expectedContributions)) {
                    outputsComplete = System.nanoTime();
                }
                // Every input record is then in a completed checkpoint: no more output can come.
                if (allInputCommitted == 0 && committedTransactions(s) == txs.size() + 2) {
                    allInputCommitted = System.nanoTime();
                }
                Thread.sleep(200);
            }
            AccessExecutionGraph graph = graph(cluster, job);
            boolean restartedJob = graph.getStatusTimestamp(JobStatus.RESTARTING) > 0;

            System.out.printf("broker outage: %,d transactions, %d alerts, %d contribution keys, %d tier changes,"
                            + " run without outage %d s; job %s when the broker stopped, %,d of them committed;"
                            + " broker stop %d ms, down %d s, start %d ms; job states during the outage %s, after %s;"
                            + " checkpoints completed/failed during the outage %d/%d; job restarted: %s%s;"
                            + " after the broker was back: first checkpoint %.1f s, last third written %.1f s, outputs complete %.1f s,"
                            + " input offsets committed %.1f s%n",
                    txs.size(), expectedAlerts.size(), expectedContributions.size(), expectedTierChanges.size(),
                    referenceSeconds, atStop, committedAtStop, millis(stopped - stopping), (restarting - stopped) / 1_000_000_000,
                    millis(restarted - restarting), statesDuringOutage, statesAfterRestart,
                    checkpointsAtRestart.getNumberOfCompletedCheckpoints() - checkpointsAtStop.getNumberOfCompletedCheckpoints(),
                    checkpointsAtRestart.getNumberOfFailedCheckpoints() - checkpointsAtStop.getNumberOfFailedCheckpoints(),
                    restartedJob, graph.getFailureInfo() == null ? "" : " (last failure: " + rootCause(graph) + ")",
                    seconds(resumed, restarted), seconds(lastThirdSent, restarted), seconds(outputsComplete, restarted),
                    seconds(allInputCommitted, restarted));

            // The outage hit the job while it ran, before its outputs could be complete.
            assertThat(atStop.isGloballyTerminalState()).as("job state when the broker stopped").isFalse();
            assertThat(committedAtStop).as("input committed when the broker stopped")
                    .isGreaterThanOrEqualTo(firstThird).isLessThan(txs.size());
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }

        List<String> actualAlerts = alerts(s);
        assertThat(actualAlerts).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedAlerts);
        Map<String, String> actual = withoutFlush(contributions(s));
        List<String> differing = new ArrayList<>();
        expectedContributions.forEach((key, figures) -> {
            if (!figures.equals(actual.get(key))) {
                differing.add(key + "\n  no outage: " + figures + "\n  outage:    " + actual.get(key));
            }
        });
        assertThat(differing).as("contributions that differ").isEmpty();
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expectedContributions.keySet());
        assertThat(tierChanges(s)).containsExactlyInAnyOrderElementsOf(expectedTierChanges);
        assertThat(AvroKafka.readAll(s.bootstrapServers, s.deadLetterTopic, DeadLetter.class)).isEmpty();
    }

    private static void send(JobSettings s, List<PosTransaction> txs) {
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers)) {
            AvroKafka.sendTransactions(producer, s.transactionsTopic, txs);
        }
    }

    private static AccessExecutionGraph graph(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID()).get();
    }

    /** The innermost cause of the job's last failure, as logged. */
    private static String rootCause(AccessExecutionGraph graph) {
        List<String> lines = graph.getFailureInfo().getExceptionAsString().lines().toList();
        return lines.stream().filter(l -> l.startsWith("Caused by: ")).reduce((first, last) -> last)
                .map(l -> l.substring("Caused by: ".length())).orElse(lines.get(0));
    }

    private static double seconds(long at, long since) {
        return at == 0 ? Double.NaN : (at - since) / 1e9;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
