package io.posmon.jobs;

import io.posmon.operators.StartupProfiles;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** What a replay gave: every alert, and the latest contribution record of each subject and period. */
    public record Output(List<MerchantAlert> alerts, List<CustomerContribution> contributions) {
    }

    /** The alerts the rules raise on these transactions. */
    public static List<MerchantAlert> alerts(CompiledRules rules, List<PosTransaction> transactions,
                                             List<MerchantProfile> profiles) throws Exception {
        return run(rules, transactions, profiles, n -> { }).alerts();
    }

    /** Replays the transactions; {@code progress} hears how many have been read so far. */
    public static Output run(CompiledRules rules, List<PosTransaction> transactions,
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
            PosmonJob.ReplayStreams streams = job.replayStreams(env);
            CloseableIterator<MerchantAlert> alertIt = streams.alerts().collectAsync();
            CloseableIterator<CustomerContribution> contributionIt = streams.contributions() == null
                    ? null : streams.contributions().collectAsync();
            var result = env.executeAsync("posmon replay").getJobExecutionResult();
            while (!result.isDone()) {
                progress.accept(tx.emitted());
                Thread.sleep(200);
            }
            result.get();
            progress.accept(tx.emitted());
            List<MerchantAlert> alerts = new ArrayList<>();
            alertIt.forEachRemaining(alerts::add);
            alertIt.close();
            Map<String, CustomerContribution> latest = new LinkedHashMap<>();
            if (contributionIt != null) {
                contributionIt.forEachRemaining(c -> latest.put(c.getSubjectType() + "|" + c.getSubjectId() + "|"
                        + c.getPeriodType() + "|" + c.getPeriod(), c));
                contributionIt.close();
            }
            return new Output(alerts, new ArrayList<>(latest.values()));
        } finally {
            Files.deleteIfExists(profileFile);
        }
    }
}
