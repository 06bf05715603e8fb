package io.posmon.rules.snapshot;

import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.KafkaClientSecurity;
import io.posmon.schema.RuleSetSnapshot;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Puts a rule set on the rules topic, where every running job reads it. */
public final class RuleSetPublisher {

    /** One key for every rule set: the topic's one partition keeps them in publication order. */
    private static final byte[] KEY = "rule-set".getBytes(StandardCharsets.UTF_8);

    private RuleSetPublisher() {
    }

    public static RecordMetadata publish(String bootstrap, String topic, RuleSetSnapshot snapshot) throws Exception {
        return publish(bootstrap, KafkaClientSecurity.NONE, topic, snapshot);
    }

    public static RecordMetadata publish(String bootstrap, KafkaClientSecurity security, String topic,
                                         RuleSetSnapshot snapshot) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(bootstrap, security)) {
            return publish(producer, topic, snapshot);
        }
    }

    public static RecordMetadata publish(KafkaProducer<byte[], byte[]> producer, String topic, RuleSetSnapshot snapshot)
            throws Exception {
        return producer.send(new ProducerRecord<>(topic, KEY, AvroKafka.encode(snapshot))).get();
    }

    /** Who publishes, for the audit trail: the OS user and host. */
    public static String publisher(String tool) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return tool + " by " + System.getProperty("user.name", "unknown") + "@" + host;
    }
}
