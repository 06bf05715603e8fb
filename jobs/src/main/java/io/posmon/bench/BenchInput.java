package io.posmon.bench;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.KafkaClientSecurity;
import io.posmon.kafka.Topics;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's input, written to Kafka before any job runs so the jobs are timed alone: generated
 * merchants (start-up file and compacted topic) and the first N transactions of their traffic from
 * 09:00 of a day in the past, keyed by merchant.
 *
 * @param topic        the transactions topic
 * @param profilesTopic the merchant profiles topic
 * @param profilesFile the profiles as a start-up file
 * @param transactions how many transactions the topic holds
 * @param merchants    how many merchants the generator made
 * @param activeMerchants how many of them have at least one transaction in the input
 */
record BenchInput(String topic, String profilesTopic, Path profilesFile, long transactions, int merchants,
                  int activeMerchants) {

    /** Generates and writes the input; prints progress. */
    static BenchInput write(String bootstrap, String prefix, Path workDir, BenchCommand.Sizes sizes, int partitions,
                            ZoneId zone, PrintStream out) throws Exception {
        String topic = prefix + "transactions";
        String profilesTopic = prefix + "merchant-profiles";
        Topics.create(bootstrap, KafkaClientSecurity.NONE, List.of(
                new NewTopic(topic, partitions, (short) 1).configs(Map.of("retention.ms", "-1")),
                new NewTopic(profilesTopic, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
        // A day well in the past (BenchCommand checks it): the job refuses event times more than
        // maxEventTimeAhead after their Kafka timestamp (the time they are written).
        Instant start = sizes.firstDay().atTime(9, 0).atZone(zone).toInstant();
        GeneratorSettings gs = new GeneratorSettings(sizes.seed(), sizes.merchants(), sizes.cards(), 1_000, start,
                GeneratorSettings.realisticSpeed(1_000, sizes.merchants()), zone);
        TrafficGenerator generator = new TrafficGenerator(gs);
        List<MerchantProfile> profiles = generator.merchantProfiles();
        Path profilesFile = workDir.resolve(prefix + "merchant-profiles.avro");
        ProfileFiles.write(profilesFile, profiles);

        long written = 0;
        java.util.Set<String> active = new java.util.HashSet<>();
        Instant from;
        long began = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrap)) {
            AvroKafka.send(producer, profilesTopic, profiles, MerchantProfile::getMerchantId);
            from = start;
            while (written < sizes.transactions()) {
                Instant to = from.plus(Duration.ofMinutes(10));
                for (PosTransaction tx : generator.transactionsBetween(from, to)) {
                    if (written == sizes.transactions()) {
                        break;
                    }
                    producer.send(new ProducerRecord<>(topic, tx.getMerchantId().getBytes(StandardCharsets.UTF_8),
                            AvroKafka.encode(tx)));
                    written++;
                    active.add(tx.getMerchantId());
                }
                from = to;
                out.printf("\r  writing the input: %,d of %,d transactions", written, sizes.transactions());
            }
            producer.flush();
        }
        out.printf("\r  wrote %,d transactions of %,d merchants in %d s (event time %s to %s local)%n", written,
                profiles.size(), Duration.ofNanos(System.nanoTime() - began).toSeconds(),
                start.atZone(zone).toLocalDateTime(), from.atZone(zone).toLocalDateTime());
        return new BenchInput(topic, profilesTopic, profilesFile, written, profiles.size(), active.size());
    }

    private static KafkaProducer<byte[], byte[]> bulkProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }
}
