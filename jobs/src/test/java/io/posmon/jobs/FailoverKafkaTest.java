package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing doubled across failures: the same input through both pipelines twice,
 * once without faults and once failing again and again (an operator that throws after chosen
 * checkpoints, and a TaskManager killed and replaced). The alerts read with read_committed, and
 * the latest contribution of every key, must be the same.
 *
 * <p>{@code mvn verify} runs a short version. The long one (a million transactions, ten failures):
 * {@code mvn -pl jobs -am verify -Dtest=FailoverKafkaTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dposmon.failover.days=21 -Dposmon.failover.merchants=800 -Dposmon.failover.failures=10} (about 25 minutes here).
 */
class FailoverKafkaTest extends KafkaAndFlinkTest {

    private static final int MERCHANTS = Integer.getInteger("posmon.failover.merchants", 60);
    private static final int DAYS = Integer.getInteger("posmon.failover.days", 4);
    private static final int FAILURES = Integer.getInteger("posmon.failover.failures", 3);

    @Test
    @Timeout(value = 8, unit = TimeUnit.HOURS) // the long version; the short one takes about a minute
    void failuresAndALostTaskManagerChangeNoOutput(@TempDir Path tmp, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Traffic traffic = traffic(23, MERCHANTS, "2026-10-01T00:00:00", DAYS);
        List<MerchantProfile> profiles = traffic.profiles();
        List<PosTransaction> txs = traffic.transactions();

        JobSettings clean = jobSettings(java.nio.file.Files.createDirectories(tmp.resolve("clean")), true, 2);
        publish(clean, profiles, txs);
        long started = System.nanoTime();
        runToEnd(clean, true, true);
        long cleanSeconds = (System.nanoTime() - started) / 1_000_000_000;

        JobSettings faulty = jobSettings(java.nio.file.Files.createDirectories(tmp.resolve("faulty")), true, 2);
        faulty.failFast = false;
        faulty.checkpointIntervalMillis = 500;
        publish(faulty, profiles, txs);
        FaultInjection faults = new FaultInjection(UUID.randomUUID().toString(), FAILURES, 2);
        var conf = FlinkSetup.configuration(faulty);
        // Restart at once, however many failures: the production default backs off exponentially.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PosmonJob.onKafka(faulty, true, true).withFaults(faults).build(env);
        JobClient job = env.executeAsync("failover");
        // Also lose a TaskManager (and the tasks on it) once the first injected failure is behind.
        while (faults.injected() == 0 && !job.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000);
        boolean taskManagerLost = !job.getJobStatus().get().isGloballyTerminalState();
        if (taskManagerLost) {
            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
        }
        job.getJobExecutionResult().get();

        System.out.printf("failover: %,d transactions, fault-free run %d s; %d injected failures, TaskManager lost: %s;"
                        + " alerts %d / %d, late %d / %d (fault-free / failures)%n",
                txs.size(), cleanSeconds, faults.injected(), taskManagerLost, alerts(clean).size(), alerts(faulty).size(),
                AvroKafka.readAll(clean.bootstrapServers, clean.lateTopic, PosTransaction.class).size(),
                AvroKafka.readAll(faulty.bootstrapServers, faulty.lateTopic, PosTransaction.class).size());
        assertThat(faults.injected()).as("failures injected").isEqualTo(FAILURES);
        assertThat(taskManagerLost).isTrue();

        List<String> cleanAlerts = alerts(clean);
        assertThat(cleanAlerts).as("the input raises alerts").isNotEmpty();
        assertThat(alerts(faulty)).containsExactlyInAnyOrderElementsOf(cleanAlerts).doesNotHaveDuplicates();
        Map<String, String> expected = contributions(clean);
        Map<String, String> actual = contributions(faulty);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        List<String> differing = new ArrayList<>();
        expected.forEach((key, figures) -> {
            if (!figures.equals(actual.get(key))) {
                differing.add(key + "\n  fault-free: " + figures + "\n  failures:   " + actual.get(key));
            }
        });
        assertThat(differing).as("contributions that differ").isEmpty();
        assertThat(tierChanges(faulty)).containsExactlyInAnyOrderElementsOf(tierChanges(clean));
        assertThat(AvroKafka.readAll(faulty.bootstrapServers, faulty.deadLetterTopic, DeadLetter.class)).isEmpty();
    }



}
