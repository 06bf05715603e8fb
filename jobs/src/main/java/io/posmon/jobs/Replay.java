package io.posmon.jobs;

import io.posmon.operators.StartupProfiles;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Transactions replayed through the real job graph on a local Flink runtime in this JVM, in
 * event-time order, with the profiles known from the start: what rule examples and backtests run.
 */
public final class Replay {

    private Replay() {
    }

    /** The alerts the rules raise on these transactions; {@code progress} hears how many were read so far. */
    public static List<MerchantAlert> alerts(CompiledRules rules, List<PosTransaction> transactions,
                                             List<MerchantProfile> profiles, LongConsumer progress) throws Exception {
        List<PosTransaction> inOrder = new ArrayList<>(transactions);
        inOrder.sort(Comparator.comparing(PosTransaction::getEventTime));
        Path profileFile = Files.createTempFile("posmon-replay-", ".avro");
        try (var tx = LocalReplaySource.of(inOrder, PosTransaction.class);
             var merchants = LocalReplaySource.of(profiles, MerchantProfile.class)) {
            ProfileFiles.write(profileFile, profiles);
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            // One parallel instance keeps each merchant's transactions in file order.
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(1);
            PosmonJob job = PosmonJob.forReplay(rules, tx.source(), merchants.source(),
                    new StartupProfiles(profileFile.toAbsolutePath().toString()));
            List<MerchantAlert> alerts = new ArrayList<>();
            try (CloseableIterator<MerchantAlert> it = job.alertStream(env).executeAndCollect("posmon replay")) {
                while (it.hasNext()) {
                    alerts.add(it.next());
                    progress.accept(tx.emitted());
                }
            }
            progress.accept(tx.emitted());
            return alerts;
        } finally {
            Files.deleteIfExists(profileFile);
        }
    }
}
