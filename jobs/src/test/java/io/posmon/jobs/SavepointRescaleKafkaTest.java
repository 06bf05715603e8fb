package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.posmon.kafka.AvroKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade as operations do it: the job stopped with a savepoint half-way through its input and
 * started again from it at another parallelism gives the outputs of a run that was never
 * stopped. Keyed state is redistributed by key group, and every operator finds its state again
 * under its fixed uid.
 */
class SavepointRescaleKafkaTest extends KafkaAndFlinkTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void stopWithSavepointAndRestoreAtAnotherParallelismChangesNoOutput(@TempDir Path tmp) throws Exception {
        Traffic traffic = traffic(41, 60, "2026-10-01T00:00:00", 4);
        List<MerchantProfile> profiles = traffic.profiles();
        List<PosTransaction> txs = traffic.transactions();
        assertThat(txs.get(txs.size() - 1).getEventTime()).isBefore(Tx.local("2026-10-30T00:00:00"));

        JobSettings reference = jobSettings(Files.createDirectories(tmp.resolve("reference")), true, 2);
        publish(reference, profiles, txs);
        flush(reference);
        runToEnd(reference, true, true);
        List<String> expectedAlerts = alerts(reference);
        Map<String, String> expectedContributions = withoutFlush(contributions(reference));

        // The job under upgrade reads the first half, is stopped with a savepoint once it has
        // committed all of it, and is started again from the savepoint for the second half.
        JobSettings upgraded = jobSettings(Files.createDirectories(tmp.resolve("upgraded")), false, 2);
        List<PosTransaction> firstHalf = txs.subList(0, txs.size() / 2);
        publish(upgraded, profiles, firstHalf);
        StreamExecutionEnvironment before = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(upgraded));
        before.setParallelism(2);
        PosmonJob.onKafka(upgraded, true, true).build(before);
        JobClient first = before.executeAsync("before the upgrade");
        while (committedTransactions(upgraded) < firstHalf.size()) {
            assertThat(first.getJobStatus().get().isGloballyTerminalState()).isFalse();
            Thread.sleep(200);
        }
        String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        int alertsBefore = alerts(upgraded).size();
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(upgraded.bootstrapServers)) {
            AvroKafka.sendTransactions(producer, upgraded.transactionsTopic, txs.subList(txs.size() / 2, txs.size()));
        }
        flush(upgraded);

        // Restored as a running job that is cancelled once its outputs are complete. (A bounded
        // KafkaSource restored from a savepoint would never finish: flink-connector-kafka 5.0.0-2.2
        // signals "no more splits" only after a partition discovery that finds new partitions.)
        var conf = FlinkSetup.configuration(upgraded);
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment after = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        after.setParallelism(1);
        PosmonJob.onKafka(upgraded, true, true).build(after);
        JobClient second = after.executeAsync("after the upgrade, at parallelism 1");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try {
            while ((alerts(upgraded).size() < expectedAlerts.size()
                    || !withoutFlush(contributions(upgraded)).equals(expectedContributions))
                    && System.nanoTime() < deadline) {
                assertThat(second.getJobStatus().get().isGloballyTerminalState()).isFalse();
                Thread.sleep(500);
            }
        } finally {
            second.cancel();
        }

        System.out.printf("savepoint: %,d transactions, stopped after the first half (%d of %d alerts), restored at parallelism 1%n",
                txs.size(), alertsBefore, expectedAlerts.size());
        assertThat(alertsBefore).as("alerts before the savepoint").isPositive().isLessThan(expectedAlerts.size());
        assertThat(alerts(upgraded)).containsExactlyInAnyOrderElementsOf(expectedAlerts);
        Map<String, String> actual = withoutFlush(contributions(upgraded));
        List<String> differing = new ArrayList<>();
        expectedContributions.forEach((key, figures) -> {
            if (!figures.equals(actual.get(key))) {
                differing.add(key + "\n  never stopped: " + figures + "\n  restored:      " + actual.get(key));
            }
        });
        assertThat(differing).as("contributions that differ").isEmpty();
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expectedContributions.keySet());
        assertThat(tierChanges(upgraded)).containsExactlyInAnyOrderElementsOf(tierChanges(reference));
    }
}
