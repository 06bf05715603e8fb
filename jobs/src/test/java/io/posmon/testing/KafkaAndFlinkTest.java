package io.posmon.testing;

import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.JobSettings;
import io.posmon.jobs.PosmonJob;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.EmbeddedKafka;
import io.posmon.kafka.Topics;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.nio.file.Path;
import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.TierChange;
import java.util.List;
import java.util.Map;
import io.posmon.schema.CustomerContribution;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Base of tests that run jobs on a Flink MiniCluster against a real in-process Kafka broker. */
public abstract class KafkaAndFlinkTest {

    /** Two TaskManagers of one slot: a job at parallelism 2 spans both, and a test can lose one. */
    @RegisterExtension
    protected static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());

    protected static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /**
     * Settings for one test job: its own topics (created), checkpoints every second, failing at
     * the first error, the shipped rules, profiles known from a start-up file.
     */
    protected static JobSettings jobSettings(Path tmp, boolean bounded, int partitions) throws Exception {
        return jobSettings(kafka.bootstrapServers(), null, tmp, bounded, partitions);
    }

    /** The same on another broker, with the Kafka client security settings of a properties file (or none). */
    protected static JobSettings jobSettings(String bootstrap, Path kafkaProperties, Path tmp, boolean bounded,
                                             int partitions) throws Exception {
        JobSettings s = new JobSettings();
        s.bootstrapServers = bootstrap;
        s.kafkaProperties = kafkaProperties;
        s.rulesDir = Path.of("../rules");
        String p = "t" + System.nanoTime() + ".";
        s.transactionsTopic = p + "transactions";
        s.profilesTopic = p + "profiles";
        s.alertsTopic = p + "alerts";
        s.deadLetterTopic = p + "dead-letters";
        s.lateTopic = p + "late";
        s.contributionsTopic = p + "contributions";
        s.tierChangesTopic = p + "tier-changes";
        s.lateContributionsTopic = p + "late-contributions";
        s.holdingsTopic = p + "holdings";
        s.rulesTopic = p + "rules";
        s.ruleStatusTopic = p + "rule-status";
        s.groupId = p + "job";
        s.checkpointIntervalMillis = 1000;
        s.failFast = true;
        s.checkpointDir = tmp.resolve("checkpoints").toUri().toString();
        s.bounded = bounded;
        s.profilesFile = tmp.resolve("profiles-" + p + "avro");
        Topics.createTopics(s.bootstrapServers, s, partitions);
        return s;
    }

    /** Writes the profiles (start-up file and topic) and the transactions, keyed by merchant. */
    protected static void publish(JobSettings s, List<MerchantProfile> profiles, List<PosTransaction> txs)
            throws Exception {
        ProfileFiles.write(s.profilesFile, profiles);
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers, s.kafkaSecurity())) {
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);
            AvroKafka.sendTransactions(producer, s.transactionsTopic, txs);
        }
    }

    /** Every committed alert, without the wall-clock time it was detected at. */
    protected static List<String> alerts(JobSettings s) {
        List<String> alerts = new ArrayList<>();
        for (MerchantAlert a : AvroKafka.readAll(s.bootstrapServers, s.kafkaSecurity(), s.alertsTopic, MerchantAlert.class)) {
            a.setDetectedAt(Instant.EPOCH);
            alerts.add(a.toString());
        }
        return alerts;
    }

    /** The latest contribution of every key, without emission time and revision (how often it was re-emitted). */
    protected static Map<String, String> contributions(JobSettings s) {
        Map<String, String> figures = new TreeMap<>();
        latestPerKey(AvroKafka.readAll(s.bootstrapServers, s.contributionsTopic, CustomerContribution.class))
                .forEach((key, c) -> {
                    c.setEmittedAt(Instant.EPOCH);
                    c.setRevision(0);
                    figures.put(key, c.toString());
                });
        return figures;
    }

    /** Every committed tier change, without the wall-clock time it was emitted at. */
    protected static List<String> tierChanges(JobSettings s) {
        List<String> changes = new ArrayList<>();
        for (TierChange c : AvroKafka.readAll(s.bootstrapServers, s.tierChangesTopic, TierChange.class)) {
            c.setEmittedAt(Instant.EPOCH);
            changes.add(c.toString());
        }
        return changes;
    }

    /** Generated merchants and their transactions over some days, in event-time order. */
    protected record Traffic(List<MerchantProfile> profiles, List<PosTransaction> transactions) {
    }

    protected static Traffic traffic(long seed, int merchants, String localStart, int days) {
        GeneratorSettings gs = new GeneratorSettings(seed, merchants, merchants * 25, 100, Tx.local(localStart),
                GeneratorSettings.realisticSpeed(100, merchants), ZoneId.of("Asia/Shanghai"));
        TrafficGenerator generator = new TrafficGenerator(gs);
        List<PosTransaction> txs = new ArrayList<>(generator.transactionsBetween(gs.simulatedStart(),
                gs.simulatedStart().plus(Duration.ofDays(days))));
        txs.sort(Comparator.comparing(PosTransaction::getEventTime));
        return new Traffic(generator.merchantProfiles(), txs);
    }

    /** The compacted view of the contribution topic: the latest record of each subject and period. */
    protected static Map<String, CustomerContribution> latestPerKey(List<CustomerContribution> records) {
        Map<String, CustomerContribution> latest = new HashMap<>();
        for (CustomerContribution c : records) {
            latest.put(c.getSubjectType() + "|" + c.getSubjectId() + "|" + c.getPeriodType() + "|" + c.getPeriod(), c);
        }
        return latest;
    }

    /** Runs the bounded job at parallelism 2 to its end. */
    protected static void runToEnd(JobSettings s, boolean risk, boolean contributions) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(2);
        PosmonJob.onKafka(s, risk, contributions).build(env);
        env.execute("test job");
    }

    /**
     * One small sale on each partition days after the input: event time passes the end of every
     * period of the input (and its lateness), so a running job closes them as a finished one does.
     */
    protected static void flush(JobSettings s) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers)) {
            for (int partition = 0; partition < 2; partition++) {
                PosTransaction tx = Tx.debit("FLUSH-" + partition, "FLUSH-" + partition, "2026-11-05T12:00:00", 100);
                producer.send(new ProducerRecord<>(s.transactionsTopic, partition,
                        tx.getMerchantId().getBytes(StandardCharsets.UTF_8), AvroKafka.encode(tx))).get();
            }
        }
    }

    /** How many transactions the job's consumer group has committed (on checkpoints) so far. */
    protected static long committedTransactions(JobSettings s) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", s.bootstrapServers);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            return admin.listConsumerGroupOffsets(s.groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(s.transactionsTopic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /** The flush merchants' own records: final in a finished job, still open in a running one. */
    protected static Map<String, String> withoutFlush(Map<String, String> contributions) {
        Map<String, String> rest = new TreeMap<>(contributions);
        rest.keySet().removeIf(k -> k.contains("FLUSH-"));
        return rest;
    }
}
