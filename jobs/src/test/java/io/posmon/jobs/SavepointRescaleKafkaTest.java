package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
        GeneratorSettings gs = new GeneratorSettings(41, 60, 1_500, 100, Tx.local("2026-10-01T00:00:00"),
                GeneratorSettings.realisticSpeed(100, 60), ZoneId.of("Asia/Shanghai"));
        TrafficGenerator generator = new TrafficGenerator(gs);
        List<MerchantProfile> profiles = generator.merchantProfiles();
        List<PosTransaction> txs = new ArrayList<>(generator.transactionsBetween(gs.simulatedStart(),
                gs.simulatedStart().plus(Duration.ofDays(4))));
        txs.sort(Comparator.comparing(PosTransaction::getEventTime));

        JobSettings reference = jobSettings(Files.createDirectories(tmp.resolve("reference")), true, 2);
        publish(reference, profiles, txs);
        runToEnd(reference, true, true);
        List<String> expectedAlerts = alerts(reference);

        JobSettings upgraded = jobSettings(Files.createDirectories(tmp.resolve("upgraded")), true, 2);
        publish(upgraded, profiles, txs);
        StreamExecutionEnvironment before = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(upgraded));
        before.setParallelism(2);
        PosmonJob.onKafka(upgraded, true, true).build(before);
        JobClient first = before.executeAsync("before the upgrade");
        while (alerts(upgraded).size() < expectedAlerts.size() / 3) {
            assertThat(first.getJobStatus().get().isGloballyTerminalState()).as("still running at a third of the alerts").isFalse();
            Thread.sleep(200);
        }
        String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        int alertsBefore = alerts(upgraded).size();

        var conf = FlinkSetup.configuration(upgraded);
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment after = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        after.setParallelism(1);
        PosmonJob.onKafka(upgraded, true, true).build(after);
        after.execute("after the upgrade, at parallelism 1");

        System.out.printf("savepoint: %,d transactions, stopped after %d of %d alerts, restored at parallelism 1%n",
                txs.size(), alertsBefore, expectedAlerts.size());
        assertThat(alertsBefore).isLessThan(expectedAlerts.size());
        assertThat(alerts(upgraded)).containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(contributions(upgraded)).isEqualTo(contributions(reference));
        assertThat(tierChanges(upgraded)).containsExactlyInAnyOrderElementsOf(tierChanges(reference));
    }
}
