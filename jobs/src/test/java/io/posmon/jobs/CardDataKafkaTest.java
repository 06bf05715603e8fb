package io.posmon.jobs;

import static io.posmon.testing.Tx.credit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.carddata.PanGuard;
import io.posmon.kafka.AvroKafka;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No clear card number anywhere: a source sending clear card numbers has them tokenized at ingest
 * (with a key) or dead-lettered and masked (in a field that is not a card field), and then every
 * record of every output topic, and the log of the tests so far, is scanned for a number of 13-19
 * digits that passes the Luhn check.
 */
class CardDataKafkaTest extends KafkaAndFlinkTest {

    private static final String VISA = "4111111111111111";
    private static final String MASTERCARD = "5500005555555559";
    private static final String DAY = "2026-11-23T";

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void clearCardNumbersAreTokenizedAtIngestAndNeverWritten(@TempDir Path tmp) throws Exception {
        Path key = tmp.resolve("pan.key");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.write(key, secret);
        JobSettings s = jobSettings(tmp, true, 2);
        s.panKeyFile = key;
        List<PosTransaction> txs = new ArrayList<>();
        // Clear card numbers where tokens and masked numbers belong: tokenized, and processed.
        txs.add(Tx.sale("T1", "S", DAY + "10:00:00", 10_000).setCardToken(VISA).setMaskedPan(VISA).build());
        txs.add(Tx.sale("T2", "S", DAY + "10:01:00", 20_000).setCardToken("tok_x").setMaskedPan(MASTERCARD).build());
        txs.add(Tx.sale("T3", "M", DAY + "10:02:00", 30_000).setCardToken(VISA).setCustomerId("C1").build());
        // One in a field that is no card field: dead-lettered, masked.
        txs.add(Tx.sale("T4", "M", DAY + "10:03:00", 40_000).setTerminalId("T-" + MASTERCARD).build());
        txs.add(credit("T5", "M", DAY + "11:00:00", 50_000));
        publish(s, List.of(
                Merchants.profile("S", "5411", MerchantScale.SMALL).setStatus(MerchantStatus.SUSPENDED).build(),
                Merchants.profile("M", "5411", MerchantScale.SMALL).build()), txs);
        runToEnd(s, true, true);

        List<MerchantAlert> alerts = AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class);
        assertThat(alerts).filteredOn(a -> a.getRuleId().equals("suspended-merchant-activity"))
                .flatExtracting(MerchantAlert::getEvidence)
                .extracting(e -> e.getTransactionId() + " " + e.getMaskedPan())
                .containsExactlyInAnyOrder("T1 411111******1111", "T2 550000******5559");
        List<DeadLetter> dead = AvroKafka.readAll(s.bootstrapServers, s.deadLetterTopic, DeadLetter.class);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getReason()).contains("clear card number");
            assertThat(new String(d.getPayload().array(), StandardCharsets.ISO_8859_1)).contains("T-550000******5559");
        });

        for (String topic : List.of(s.alertsTopic, s.deadLetterTopic, s.lateTopic, s.contributionsTopic,
                s.tierChangesTopic, s.lateContributionsTopic, s.ruleStatusTopic)) {
            assertThat(recordsWithClearPans(s.bootstrapServers, topic)).as(topic).isZero();
        }
        Path log = Path.of("target/test-logs/posmon-tests.log");
        assertThat(log).exists();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            assertThat(clearPanIn(NOT_CARD_NUMBERS.matcher(line).replaceAll("#"))).as("log line: %s", line).isFalse();
        }
    }

    /** Every record of the topic, committed or not, key and value as raw bytes. */
    private static int recordsWithClearPans(String bootstrap, String topic) {
        int found = 0;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // aborted writes too
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (clearPanIn(latin1(r.key())) || clearPanIn(latin1(r.value()))) {
                        found++;
                    }
                }
            }
        }
        return found;
    }

    /**
     * A number of 13-19 digits standing on its own (not glued to letters or digits, as in a hex job
     * id, a temp directory or a topic name of the tests, which would pass the Luhn check one time in
     * ten) that passes the Luhn check. In Avro binary a string's length prefix is never a letter or
     * digit for such lengths, so a card number in a field is found.
     */
    /**
     * Numbers in log lines that are not card numbers and pass the Luhn check one time in ten: JUnit's
     * temporary directories ({@code junit-5201149681945271755}) and epoch milliseconds (13 digits
     * from 17... or 18..., years 2023-2033; a 13-digit card number starts with 4).
     */
    private static final Pattern NOT_CARD_NUMBERS = Pattern.compile("junit-?\\d+|(?<!\\d)1[78]\\d{11}(?!\\d)");

    private static boolean clearPanIn(String text) {
        Matcher m = STANDALONE_NUMBER.matcher(text);
        while (m.find()) {
            if (PanGuard.containsClearPan(m.group())) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern STANDALONE_NUMBER = Pattern.compile("(?<![0-9A-Za-z])[0-9]{13,19}(?![0-9A-Za-z])");

    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
