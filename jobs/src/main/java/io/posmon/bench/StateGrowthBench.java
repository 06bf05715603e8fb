package io.posmon.bench;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.JobSettings;
import io.posmon.jobs.PosmonJob;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.Topics;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * State per merchant day after day: both pipelines run (unbounded) while a simulated month is fed
 * one business day at a time. After each day, once the job has committed the day's last offsets
 * (which it does when a checkpoint holding them completes), the latest checkpoint's state size per
 * operator is read, on the heap backend (see settings).
 */
final class StateGrowthBench {

    /**
     * State after one day: bytes per merchant of the merchant-keyed operators (and their sum), and
     * bytes per customer seen so far of the customer contributions.
     */
    record Day(LocalDate date, long transactions, long merchantRisk, long patternRules, long merchantContributions,
               long perMerchant, long perCustomer, Breakdown breakdown) {
    }

    /**
     * The day's checkpoint by operator and state ({@link StateBreakdown}), for the operators counted
     * above; {@code problem} says why when it could not be read.
     */
    record Breakdown(List<StateBreakdown.Part> parts, int merchants, int customers, String problem) {

        /** The part's bytes per merchant, or per customer for the customer contributions. */
        long perSubject(StateBreakdown.Part p) {
            return p.bytes() / (p.operator().equals(CUSTOMER_CONTRIBUTIONS) ? customers : merchants);
        }
    }

    /** The uids of the operators whose state the state part measures (PosmonJob). */
    static final List<String> MERCHANT_OPERATORS = List.of("merchant-risk", "pattern-rules", "merchant-contributions");
    static final String CUSTOMER_CONTRIBUTIONS = "customer-contributions";

    private final BenchCluster cluster;
    private final BenchSettings bench;
    private final PrintStream out;

    StateGrowthBench(BenchCluster cluster, BenchSettings bench, PrintStream out) {
        this.cluster = cluster;
        this.bench = bench;
        this.out = out;
    }

    List<Day> run(BenchCommand.Sizes sizes, int days, ZoneId zone) throws Exception {
        JobSettings s = settings("state.");
        LocalDate first = sizes.firstDay();
        Instant start = first.atStartOfDay(zone).toInstant();
        TrafficGenerator generator = new TrafficGenerator(new GeneratorSettings(sizes.seed(), sizes.merchants(),
                sizes.cards(), 1_000, start, GeneratorSettings.realisticSpeed(1_000, sizes.merchants()), zone));
        List<MerchantProfile> profiles = generator.merchantProfiles();
        ProfileFiles.write(s.profilesFile, profiles);
        List<Day> result = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(bench.bootstrap());
             Admin admin = Admin.create(adminProps())) {
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
            env.setParallelism(bench.parallelism());
            PosmonJob.onKafka(s, true, true).build(env);
            JobID job = cluster.submit(env, "bench state growth");
            try {
                java.util.Set<String> customers = new java.util.HashSet<>();
                for (int d = 0; d < days; d++) {
                    LocalDate date = first.plusDays(d);
                    List<PosTransaction> txs = generator.transactionsBetween(date.atStartOfDay(zone).toInstant(),
                            date.plusDays(1).atStartOfDay(zone).toInstant());
                    AvroKafka.sendTransactions(producer, s.transactionsTopic, txs);
                    txs.stream().map(PosTransaction::getCustomerId).filter(java.util.Objects::nonNull).forEach(customers::add);
                    awaitCommitted(admin, s);
                    Day day = sizes(job, date, txs.size(), profiles.size(), Math.max(1, customers.size()));
                    out.printf("  %s: %,d transactions; per merchant %,d B (merchant risk %,d, pattern rules %,d, "
                                    + "merchant contributions %,d); per customer %,d B%n", date, txs.size(), day.perMerchant(),
                            day.merchantRisk(), day.patternRules(), day.merchantContributions(), day.perCustomer());
                    if (day.breakdown().problem() != null) {
                        out.printf("    (its state by operator and state not read: %s)%n", day.breakdown().problem());
                    }
                    result.add(day);
                }
            } finally {
                cluster.cancel(job);
            }
        }
        return result;
    }

    /** Waits until the job has committed every offset written so far: a checkpoint then holds them all. */
    private static void awaitCommitted(Admin admin, JobSettings s) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(s.transactionsTopic)).allTopicNames().get()
                .get(s.transactionsTopic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(s.transactionsTopic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(s.groupId).partitionsToOffsetAndMetadata().get();
            boolean all = ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /**
     * The sizes of the latest checkpoint, and its state by operator and state. A checkpoint is deleted
     * once a newer one completes (one every 2 s here), maybe while its files are being read: then the
     * newest is read instead, which holds the same day (nothing is written until the next day).
     */
    private Day sizes(JobID job, LocalDate date, long transactions, int merchants, int customers) throws Exception {
        for (int attempt = 1; ; attempt++) {
            ArchivedExecutionGraph graph = cluster.graph(job);
            CompletedCheckpointStats latest = graph.getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
            Breakdown breakdown;
            try {
                List<StateBreakdown.Part> parts = StateBreakdown.of(latest.getExternalPath()).stream()
                        .filter(p -> MERCHANT_OPERATORS.contains(p.operator()) || p.operator().equals(CUSTOMER_CONTRIBUTIONS))
                        .toList();
                breakdown = new Breakdown(parts, merchants, customers, null);
            } catch (Exception e) {
                if (e instanceof java.io.FileNotFoundException && attempt < 5) {
                    Thread.sleep(200);
                    continue;
                }
                breakdown = new Breakdown(List.of(), merchants, customers, latest.getExternalPath() + ": " + e);
            }
            return sizes(graph, latest, date, transactions, merchants, customers, breakdown);
        }
    }

    private static Day sizes(ArchivedExecutionGraph graph, CompletedCheckpointStats latest, LocalDate date,
                             long transactions, int merchants, int customers, Breakdown breakdown) {
        long risk = 0;
        long patterns = 0;
        long merchantContributions = 0;
        long customerContributions = 0;
        for (AccessExecutionJobVertex v : graph.getAllVertices().values()) {
            var task = latest.getTaskStateStats(v.getJobVertexId());
            long size = task == null ? 0 : task.getStateSize();
            if (v.getName().startsWith("merchant-risk")) {
                risk += size;
            } else if (v.getName().startsWith("pattern-rules")) {
                patterns += size;
            } else if (v.getName().startsWith("merchant-contributions")) {
                merchantContributions += size;
            } else if (v.getName().startsWith("customer-contributions")) {
                customerContributions += size;
            }
        }
        return new Day(date, transactions, risk / merchants, patterns / merchants, merchantContributions / merchants,
                (risk + patterns + merchantContributions) / merchants, customerContributions / customers, breakdown);
    }

    private Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.bootstrap());
        return p;
    }

    private JobSettings settings(String prefix) throws Exception {
        JobSettings s = bench.forRun(prefix);
        // Frequent checkpoints only to read the state sooner after each day; the job is the same.
        s.checkpointIntervalMillis = 2_000;
        // The state is measured on the heap backend, whose checkpoint is the live state serialized
        // (each key's map once). On RocksDB the checkpoint sizes of the same input swung by up to half
        // from one day to the next, incremental or full, with the state cache on or off (one key):
        // even the customers' sales, which only grow within the refund window, seemed to shrink
        // (README, Performance). The job and its logical state are the same on both backends.
        s.stateBackend = "hashmap";
        Topics.createTopics(bench.bootstrap(), s, bench.parallelism());
        return s;
    }
}
