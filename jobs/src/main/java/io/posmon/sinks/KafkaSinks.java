package io.posmon.sinks;

import io.posmon.jobs.MerchantRiskSettings;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.PosTransaction;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The job's Kafka outputs, Avro binary values keyed so one merchant's records stay in order. */
public final class KafkaSinks {

    /** Below the broker's default transaction.max.timeout.ms (15 min), above any sane checkpoint interval. */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaSinks() {
    }

    public static KafkaSink<MerchantAlert> alerts(MerchantRiskSettings s) {
        return sink(s, s.alertsTopic, MerchantAlert.class, a -> a.getMerchant().getMerchantId(), "alerts");
    }

    public static KafkaSink<DeadLetter> deadLetters(MerchantRiskSettings s) {
        return sink(s, s.deadLetterTopic, DeadLetter.class, d -> d.getSourceTopic() + "/" + d.getPartition(), "dead-letters");
    }

    public static KafkaSink<PosTransaction> lateTransactions(MerchantRiskSettings s) {
        return sink(s, s.lateTopic, PosTransaction.class, PosTransaction::getMerchantId, "late");
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(
            MerchantRiskSettings s, String topic, Class<T> type, AvroRecordSerializer.KeyOf<T> key, String name) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.setProperty("enable.idempotence", "true");
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, type, key))
                .setDeliveryGuarantee(s.delivery);
        if (s.delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(s.groupId + "-" + name);
        }
        return builder.build();
    }
}
