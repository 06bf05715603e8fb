package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.AvroRecordDeserializer;
import io.posmon.sources.ClearPanTokenization;
import io.posmon.sources.TransactionChecks;
import io.posmon.testing.KafkaAndFlinkTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never fails the job and loses nothing: 10,000 mutated records (random bytes, truncated
 * and bit-flipped Avro, absurd values, empty values) mixed into a valid stream. The job runs to the
 * end, the valid records raise exactly the alerts they raise alone, and every bad record is on the
 * dead-letter topic at its own partition and offset.
 */
class FuzzKafkaTest extends KafkaAndFlinkTest {

    private static final int BAD_RECORDS = Integer.getInteger("posmon.fuzz.records", 10_000);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void mutatedRecordsGoToTheDeadLetterTopicAndChangeNoAlert(@TempDir Path tmp) throws Exception {
        Traffic traffic = traffic(31, 60, "2026-10-01T00:00:00", 2);
        List<MerchantProfile> profiles = traffic.profiles();
        List<PosTransaction> valid = traffic.transactions();

        JobSettings alone = jobSettings(Files.createDirectories(tmp.resolve("alone")), true, 2);
        publish(alone, profiles, valid);
        runToEnd(alone, true, false);

        JobSettings mixed = jobSettings(Files.createDirectories(tmp.resolve("mixed")), true, 2);
        publish(mixed, profiles, List.of());
        Mutations mutations = new Mutations(new Random(7), valid);
        Set<String> badAt = new HashSet<>();
        int decodableSkipped = 0;
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(mixed.bootstrapServers)) {
            int v = 0;
            int bad = 0;
            while (v < valid.size() || bad < BAD_RECORDS) {
                if (v < valid.size() && (bad >= BAD_RECORDS || mutations.random.nextInt(3) > 0)) {
                    PosTransaction tx = valid.get(v++);
                    producer.send(new ProducerRecord<>(mixed.transactionsTopic, key(tx.getMerchantId()), AvroKafka.encode(tx)));
                    continue;
                }
                byte[] value = mutations.next();
                if (!rejected(value)) {
                    decodableSkipped++; // a flip that still reads as a valid transaction is no bad record
                    continue;
                }
                RecordMetadata at = producer.send(new ProducerRecord<>(mixed.transactionsTopic,
                        key("fuzz-" + bad), value)).get();
                badAt.add(at.partition() + "/" + at.offset());
                bad++;
            }
            producer.flush();
        }
        runToEnd(mixed, true, false);

        List<DeadLetter> dead = AvroKafka.readAll(mixed.bootstrapServers, mixed.deadLetterTopic, DeadLetter.class);
        Set<String> deadAt = new HashSet<>();
        dead.forEach(d -> deadAt.add(d.getPartition() + "/" + d.getOffset()));
        System.out.printf("fuzz: %,d valid transactions, %,d bad records (%,d mutations skipped as still valid), "
                + "%,d dead letters%n", valid.size(), badAt.size(), decodableSkipped, dead.size());
        assertThat(dead).hasSize(BAD_RECORDS).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(mixed.transactionsTopic));
        assertThat(deadAt).isEqualTo(badAt);
        assertThat(alerts(mixed)).containsExactlyInAnyOrderElementsOf(alerts(alone)).isNotEmpty();
    }

    /** Whether the job's own decoding refuses the value (as it would at its Kafka source). */
    private static boolean rejected(byte[] value) throws Exception {
        var decoder = new AvroRecordDeserializer<>(PosTransaction.class, new ClearPanTokenization(null),
                TransactionChecks.atIngest(ENGINE));
        List<Either<?, PosTransaction>> out = new ArrayList<>();
        decoder.deserialize(new ConsumerRecord<>("t", 0, 0, System.currentTimeMillis(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, value == null ? 0 : value.length,
                null, value, new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty()),
                new Collector<>() {
                    @Override
                    public void collect(Either<io.posmon.schema.DeadLetter, PosTransaction> record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {
                    }
                });
        return out.get(0).isLeft();
    }

    private static final io.posmon.operators.EngineConfig ENGINE = shippedEngine();

    private static io.posmon.operators.EngineConfig shippedEngine() {
        try {
            return RuleCompiler.compile(RuleSetLoader.load(Path.of("../rules"))).engine();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }


    /** Bad values of every kind, in turn. */
    private static final class Mutations {
        private final Random random;
        private final List<PosTransaction> valid;
        private final List<Function<PosTransaction, byte[]>> kinds = List.of(
                tx -> randomBytes(),
                tx -> truncated(AvroKafka.encode(tx)),
                tx -> flipped(AvroKafka.encode(tx)),
                tx -> AvroKafka.encode(copy(tx).setAmountMinor(pick(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 100_000_000_000_001L)).build()),
                tx -> AvroKafka.encode(copy(tx).setCurrency(pick("", "XXY", "yuan", "CN")).build()),
                tx -> AvroKafka.encode(copy(tx).setEventTime(Instant.parse("3000-01-01T00:00:00Z")).build()),
                tx -> AvroKafka.encode(copy(tx).setTransactionId("").build()),
                tx -> AvroKafka.encode(copy(tx).setCardToken("4111111111111111").build()),
                tx -> withTrailingBytes(AvroKafka.encode(tx)),
                tx -> null);
        private int n;

        Mutations(Random random, List<PosTransaction> valid) {
            this.random = random;
            this.valid = valid;
        }

        byte[] next() {
            PosTransaction tx = valid.get(random.nextInt(valid.size()));
            return kinds.get(n++ % kinds.size()).apply(tx);
        }

        private PosTransaction.Builder copy(PosTransaction tx) {
            return PosTransaction.newBuilder(tx).setTransactionId("fuzz-" + n);
        }

        @SafeVarargs
        private <T> T pick(T... values) {
            return values[random.nextInt(values.length)];
        }

        private byte[] randomBytes() {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            return b;
        }

        private byte[] truncated(byte[] b) {
            return java.util.Arrays.copyOf(b, random.nextInt(b.length));
        }

        private byte[] flipped(byte[] b) {
            for (int i = 0, flips = 1 + random.nextInt(3); i < flips; i++) {
                int bit = random.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            return b;
        }

        private byte[] withTrailingBytes(byte[] b) {
            byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(8));
            return longer;
        }
    }
}
