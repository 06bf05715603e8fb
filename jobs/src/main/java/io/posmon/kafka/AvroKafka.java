package io.posmon.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for Avro-binary records: what the demo's generator and console, and tests, use. */
public final class AvroKafka {

    private AvroKafka() {
    }

    public static byte[] encode(SpecificRecordBase record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<SpecificRecordBase>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends SpecificRecordBase> T decode(byte[] value, Class<T> type) {
        try {
            return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(value, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, KafkaClientSecurity.NONE);
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, KafkaClientSecurity security) {
        Properties p = security.clientProperties(bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight: with more, a batch refused because the partition has no leader yet
        // (a topic just created, a broker just restarted) can be overtaken by the next one, which a
        // broker that knows nothing of this producer on the partition takes as its first; the
        // refused batch is then retried as out of order until the delivery timeout, and lost
        // (KAFKA-15591; seen here with the 4.2.2 broker on new topics and after a broker restart).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p);
    }

    /**
     * Sends transactions keyed by merchant (one merchant's stay in order) and waits until the broker
     * has them all. Their Kafka timestamp is the time they are sent, as a switch sends them: the job
     * refuses a transaction whose event time is more than maxEventTimeAhead after it (and the broker
     * refuses timestamps more than an hour ahead of its clock).
     */
    public static void sendTransactions(KafkaProducer<byte[], byte[]> producer, String topic,
                                        List<io.posmon.schema.PosTransaction> txs) {
        send(producer, topic, txs, io.posmon.schema.PosTransaction::getMerchantId);
    }

    /**
     * Sends records keyed by the given key and waits until the broker has them all; throws if any
     * of them could not be written (the producer gave up on it), instead of dropping it silently.
     */
    public static <T extends SpecificRecordBase> void send(KafkaProducer<byte[], byte[]> producer, String topic,
                                                           List<T> records, Function<T, String> key) {
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        for (T r : records) {
            producer.send(new ProducerRecord<>(topic, key.apply(r).getBytes(java.nio.charset.StandardCharsets.UTF_8), encode(r)),
                    (metadata, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
        if (firstFailure.get() != null) {
            throw new KafkaException(failed.get() + " of " + records.size() + " records were not written to " + topic,
                    firstFailure.get());
        }
    }

    /** A consumer that sees only committed records, as the risk desk's consumers should. */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String groupId) {
        return committedReader(bootstrap, KafkaClientSecurity.NONE, groupId);
    }

    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, KafkaClientSecurity security,
                                                                String groupId) {
        Properties p = security.clientProperties(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Everything committed on a topic now, decoded. */
    public static <T extends SpecificRecordBase> List<T> readAll(String bootstrap, String topic, Class<T> type) {
        return readAll(bootstrap, KafkaClientSecurity.NONE, topic, type);
    }

    public static <T extends SpecificRecordBase> List<T> readAll(String bootstrap, KafkaClientSecurity security,
                                                                 String topic, Class<T> type) {
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = committedReader(bootstrap, security, "posmon-read-" + System.nanoTime())) {
            var partitions = c.partitionsFor(topic).stream()
                    .map(pi -> new org.apache.kafka.common.TopicPartition(topic, pi.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            var end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(decode(r.value(), type));
                }
            }
        }
        return out;
    }
}
