package io.posmon.sinks;

import io.posmon.jobs.JobSettings;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.TierChange;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetStatus;
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

    public static KafkaSink<MerchantAlert> alerts(JobSettings s) {
        return sink(s, s.alertsTopic, MerchantAlert.class, a -> a.getMerchant().getMerchantId(), "alerts");
    }

    public static KafkaSink<DeadLetter> deadLetters(JobSettings s) {
        return sink(s, s.deadLetterTopic, DeadLetter.class, d -> d.getSourceTopic() + "/" + d.getPartition(), "dead-letters");
    }

    public static KafkaSink<PosTransaction> lateTransactions(JobSettings s) {
        return sink(s, s.lateTopic, PosTransaction.class, PosTransaction::getMerchantId, "late");
    }

    /**
     * Compacted topic: the key names subject and period, so the latest record of a period wins.
     * {@code name} makes the sink's transactional ids its own: two sinks write this topic, one per
     * contribution operator ("contributions", the customers', keeps the ids of earlier versions).
     */
    public static KafkaSink<CustomerContribution> contributions(JobSettings s, String name) {
        return sink(s, s.contributionsTopic, CustomerContribution.class,
                c -> c.getSubjectType() + "|" + c.getSubjectId() + "|" + c.getPeriodType() + "|" + c.getPeriod(),
                name);
    }

    public static KafkaSink<TierChange> tierChanges(JobSettings s) {
        return sink(s, s.tierChangesTopic, TierChange.class, TierChange::getCustomerId, "tier-changes");
    }

    public static KafkaSink<PosTransaction> lateContributions(JobSettings s) {
        return sink(s, s.lateContributionsTopic, PosTransaction.class, PosTransaction::getMerchantId, "late-contributions");
    }

    public static KafkaSink<RuleSetStatus> ruleStatus(JobSettings s) {
        return sink(s, s.ruleStatusTopic, RuleSetStatus.class, RuleSetStatus::getVersion, "rule-status");
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(
            JobSettings s, String topic, Class<T> type, AvroRecordSerializer.KeyOf<T> key, String name) {
        Properties producer = s.kafkaSecurity().addTo(new Properties());
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
