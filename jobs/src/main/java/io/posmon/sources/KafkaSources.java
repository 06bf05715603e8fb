package io.posmon.sources;

import io.posmon.carddata.PanTokenizer;
import io.posmon.jobs.JobSettings;
import io.posmon.operators.EngineConfig;
import io.posmon.schema.CustomerHoldings;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetSnapshot;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka inputs; bad records come out as dead letters, never as exceptions. */
public final class KafkaSources {

    private KafkaSources() {
    }

    public static KafkaSource<Either<DeadLetter, PosTransaction>> transactions(JobSettings s, EngineConfig engine) {
        var builder = KafkaSource.<Either<DeadLetter, PosTransaction>>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(s.transactionsTopic)
                .setGroupId(s.groupId)
                .setStartingOffsets(startingOffsets(s))
                .setProperties(consumerProperties(s))
                .setDeserializer(new AvroRecordDeserializer<>(PosTransaction.class,
                        new ClearPanTokenization(s.panKeyFile == null ? null : new PanTokenizer(s.panKeyFile.toString())),
                        TransactionChecks.atIngest(engine)));
        if (s.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public static KafkaSource<Either<DeadLetter, MerchantProfile>> profiles(JobSettings s) {
        var builder = KafkaSource.<Either<DeadLetter, MerchantProfile>>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(s.profilesTopic)
                .setGroupId(s.groupId + "-profiles")
                // A compacted topic holds the latest profile of every merchant: a fresh start reads it
                // whole (a restore from a checkpoint resumes at the checkpointed offsets instead).
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperties(consumerProperties(s))
                .setDeserializer(new AvroRecordDeserializer<>(MerchantProfile.class, (p, ingestTime) -> TransactionChecks.profileProblem(p)));
        if (s.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The customers' product holdings (compacted, read whole like the profiles). */
    public static KafkaSource<Either<DeadLetter, CustomerHoldings>> holdings(JobSettings s) {
        var builder = KafkaSource.<Either<DeadLetter, CustomerHoldings>>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(s.holdingsTopic)
                .setGroupId(s.groupId + "-holdings")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperties(consumerProperties(s))
                .setDeserializer(new AvroRecordDeserializer<>(CustomerHoldings.class,
                        (h, ingestTime) -> h.getCustomerId().isBlank() ? "customerId is empty" : null));
        if (s.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Rule sets published while the job runs. Read from the start: a fresh job puts in force, in
     * order, every rule set published so far (the last one wins); a restored job resumes after the
     * last one it had read, whose rules its checkpoint already holds.
     */
    public static KafkaSource<Either<DeadLetter, RuleSetSnapshot>> ruleUpdates(JobSettings s) {
        var builder = KafkaSource.<Either<DeadLetter, RuleSetSnapshot>>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(s.rulesTopic)
                .setGroupId(s.groupId + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperties(consumerProperties(s))
                .setDeserializer(new AvroRecordDeserializer<>(RuleSetSnapshot.class,
                        (r, ingestTime) -> r.getFiles().isEmpty() ? "a rule set with no files" : null));
        if (s.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(JobSettings s) {
        return OffsetsInitializer.committedOffsets(s.fromEarliest ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);
    }

    /** posmon's consumer settings and the security settings ({@code --kafka-properties}), which the source's admin client uses too. */
    private static Properties consumerProperties(JobSettings s) {
        Properties p = s.kafkaSecurity().addTo(new Properties());
        // Only committed alerts and inputs written transactionally count.
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("partition.discovery.interval.ms", "60000");
        return p;
    }
}
