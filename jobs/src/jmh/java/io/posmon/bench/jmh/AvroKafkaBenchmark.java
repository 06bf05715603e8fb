package io.posmon.bench.jmh;

import io.posmon.carddata.PanTokenizer;
import io.posmon.kafka.AvroKafka;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.AvroRecordDeserializer;
import io.posmon.sources.ClearPanTokenization;
import io.posmon.sources.TransactionChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A transaction's Avro bytes as the job's Kafka source turns them into a record
 * ({@link AvroRecordDeserializer} with the clear-PAN repair and {@link TransactionChecks#atIngest},
 * as {@code KafkaSources.transactions} builds it), and a transaction encoded to Kafka bytes
 * ({@link AvroKafka#encode}, what the generator and the tests send).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.posmon.schema", "-Xms1g", "-Xmx1g"})
public class AvroKafkaBenchmark {

    /** The transactions source's deserializer over the Kafka records of the workload's transactions. */
    @State(Scope.Thread)
    public static class Source {
        /**
         * none: the job without --pan-key-file; configured: with a key, where every record is also
         * scanned for a clear card number to tokenize (the generated ones carry none).
         */
        @Param({"none", "configured"})
        public String panKey;

        ConsumerRecord<byte[], byte[]>[] records;
        AvroRecordDeserializer<PosTransaction> deserializer;
        final BlackholeCollector<Either<DeadLetter, PosTransaction>> out = new BlackholeCollector<>();
        private Path keyFile;
        int i;

        @Setup
        @SuppressWarnings("unchecked")
        public void setUp() throws Exception {
            Workload w = Workload.get();
            records = new ConsumerRecord[w.transactions.length];
            for (int k = 0; k < records.length; k++) {
                PosTransaction tx = w.transactions[k];
                byte[] key = tx.getMerchantId().getBytes(StandardCharsets.UTF_8);
                byte[] value = AvroKafka.encode(tx);
                // The switch sends it a moment after it happened: the record's Kafka timestamp.
                long timestamp = tx.getEventTime().toEpochMilli() + 50;
                records[k] = new ConsumerRecord<>("posmon.transactions", k & 1, k, timestamp, TimestampType.CREATE_TIME,
                        key.length, value.length, key, value, new RecordHeaders(), Optional.empty());
            }
            PanTokenizer tokenizer = null;
            if (panKey.equals("configured")) {
                keyFile = Files.createTempFile("posmon-jmh-pan", ".key");
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.write(keyFile, key);
                tokenizer = new PanTokenizer(keyFile.toString());
            }
            deserializer = new AvroRecordDeserializer<>(PosTransaction.class, new ClearPanTokenization(tokenizer),
                    TransactionChecks.atIngest(w.engine));
            deserializer.open(new DeserializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(AvroKafkaBenchmark.class.getClassLoader());
                }
            });
            // Every generated record must decode and pass the checks, or this would time the dead-letter path.
            List<Either<DeadLetter, PosTransaction>> decoded = new ArrayList<>();
            Collector<Either<DeadLetter, PosTransaction>> into = new ListCollector<>(decoded);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                deserializer.deserialize(r, into);
            }
            for (Either<DeadLetter, PosTransaction> e : decoded) {
                if (e.isLeft()) {
                    throw new IllegalStateException("a generated record is a dead letter: " + e.left().getReason());
                }
            }
            if (decoded.size() != records.length) {
                throw new IllegalStateException(decoded.size() + " records out of " + records.length);
            }
        }

        @TearDown
        public void tearDown() throws Exception {
            if (keyFile != null) {
                Files.deleteIfExists(keyFile);
            }
        }
    }

    /** The workload's transactions. */
    @State(Scope.Thread)
    public static class Records {
        PosTransaction[] transactions;
        int i;

        @Setup
        public void setUp() throws Exception {
            transactions = Workload.get().transactions;
        }
    }

    /** Kafka value bytes to a checked PosTransaction (Either.Right), as the transactions source does per record. */
    @Benchmark
    public void decodeAtSource(Source s, Blackhole bh) throws Exception {
        s.out.bh = bh;
        s.deserializer.deserialize(s.records[s.i], s.out);
        s.i = (s.i + 1) & (s.records.length - 1);
    }

    /** A PosTransaction to Avro bytes with {@link AvroKafka#encode} (a new datum writer per call, as it is written). */
    @Benchmark
    public byte[] encode(Records r) {
        byte[] bytes = AvroKafka.encode(r.transactions[r.i]);
        r.i = (r.i + 1) & (r.transactions.length - 1);
        return bytes;
    }
}
