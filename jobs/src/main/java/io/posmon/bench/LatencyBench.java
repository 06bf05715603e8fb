package io.posmon.bench;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.JobSettings;
import io.posmon.jobs.PosmonJob;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.KafkaClientSecurity;
import io.posmon.kafka.Topics;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Alert latency under a paced stream: transactions are written at a fixed rate while the merchant
 * risk job runs (unbounded), and each alert's latency is the time from the broker's append of the
 * transaction that tripped it (LogAppendTime) to the alert being readable by a read_committed
 * consumer in this JVM (same clock). Alerts tripped during the warm-up are not counted.
 */
final class LatencyBench {

    /** One paced run's result. */
    record Result(int ratePerSecond, DeliveryGuarantee delivery, long sent, double achievedRate, Histogram millis,
                  long alertsCounted, Map<String, Integer> unmatchedByRule, String checkpointPauses) {
    }

    /** A transaction ready to send: its key and Avro bytes, and what identifies its alerts. */
    private record Prepared(byte[] key, byte[] value, String merchantId, long eventTimeMillis) {
    }

    private final BenchCluster cluster;
    private final BenchSettings bench;
    private final Path traceDir;
    private int runs;

    /** {@code traceDir}: where each run writes its alerts and checkpoints as CSV, to see where alerts wait. */
    LatencyBench(BenchCluster cluster, BenchSettings bench, Path traceDir) {
        this.cluster = cluster;
        this.bench = bench;
        this.traceDir = traceDir;
    }

    Result run(int rate, DeliveryGuarantee delivery, Duration warmUp, Duration measured, BenchCommand.Sizes sizes,
               ZoneId zone) throws Exception {
        String prefix = "latency" + (++runs) + "-" + rate + "-" + delivery.name().toLowerCase() + ".";
        JobSettings s = settings(prefix, delivery);
        Duration total = warmUp.plus(measured);
        double speed = GeneratorSettings.realisticSpeed(rate, sizes.merchants());
        // Fixed simulated hours, so that runs on any date read the same stream: from 09:00 of the first
        // day, or as many whole days before it as the stream spans beyond one day (at 10,000/s over 100
        // merchants a minute of pacing is weeks of simulated time). It ends within a day of the first
        // day, which BenchCommand keeps well behind the Kafka timestamps.
        long spanMillis = (long) (total.toMillis() * speed * 1.2);
        long daysBefore = Math.max(0, Math.floorDiv(spanMillis - 1, Duration.ofDays(1).toMillis()));
        Instant start = sizes.firstDay().minusDays(daysBefore).atTime(9, 0).atZone(zone).toInstant();
        if (start.plus(Duration.ofMillis(spanMillis)).isAfter(Instant.now())) {
            throw new IllegalArgumentException("the paced stream would reach simulated times after now; give an earlier --first-day");
        }
        TrafficGenerator generator = new TrafficGenerator(new GeneratorSettings(sizes.seed(), sizes.merchants(),
                sizes.cards(), rate, start, speed, zone));
        List<MerchantProfile> profiles = generator.merchantProfiles();
        ProfileFiles.write(s.profilesFile, profiles);
        List<Prepared> txs = prepare(generator, start, (long) rate * total.toSeconds());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(bench.parallelism());
        PosmonJob.onKafka(s, true, false).build(env);
        JobID job = cluster.submit(env, "bench latency " + rate + "/s " + delivery);
        Map<String, Long> appendedAt = new ConcurrentHashMap<>(txs.size() * 2);
        AlertWatcher watcher = new AlertWatcher(s, appendedAt);
        Thread watching = new Thread(watcher, "bench-alert-watcher");
        watching.start();
        try {
            Thread.sleep(5_000); // the job's sources find their partitions before the clock starts
            long sent = pace(txs, rate, s.transactionsTopic, appendedAt, watcher);
            long warmUpEnd = watcher.firstAppend.get() + warmUp.toMillis();
            watcher.countFrom(warmUpEnd);
            Thread.sleep(s.checkpointIntervalMillis + 5_000); // the last alerts' commit
            watcher.stop();
            watching.join();
            String pauses = LatencyTrace.write(traceDir, prefix, watcher.seen, cluster.graph(job));
            double achieved = sent * 1000.0 / Math.max(1, watcher.lastAppend.get() - watcher.firstAppend.get());
            return new Result(rate, delivery, sent, achieved, watcher.histogram, watcher.counted.get(),
                    Map.copyOf(watcher.unmatched), pauses);
        } finally {
            watcher.stop();
            cluster.cancel(job);
        }
    }

    /** Generates and encodes the run's transactions before the clock starts, so sending costs little. */
    private List<Prepared> prepare(TrafficGenerator generator, Instant start, long count) {
        List<Prepared> txs = new ArrayList<>((int) count);
        Instant from = start;
        while (txs.size() < count) {
            Instant to = from.plus(Duration.ofMinutes(10));
            for (PosTransaction tx : generator.transactionsBetween(from, to)) {
                if (txs.size() == count) {
                    break;
                }
                txs.add(new Prepared(tx.getMerchantId().getBytes(StandardCharsets.UTF_8), AvroKafka.encode(tx),
                        tx.getMerchantId(), tx.getEventTime().toEpochMilli()));
            }
            from = to;
        }
        return txs;
    }

    /** Sends at the given rate, in steps of one millisecond; returns how many were sent. */
    private long pace(List<Prepared> txs, int rate, String topic, Map<String, Long> appendedAt, AlertWatcher watcher) {
        long began = System.nanoTime();
        int next = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            while (next < txs.size()) {
                long due = Math.min(txs.size(), (System.nanoTime() - began) * rate / 1_000_000_000L + 1);
                for (; next < due; next++) {
                    Prepared p = txs.get(next);
                    String id = p.merchantId() + "|" + p.eventTimeMillis();
                    producer.send(new ProducerRecord<>(topic, p.key(), p.value()), (meta, e) -> {
                        if (e == null) {
                            appendedAt.merge(id, meta.timestamp(), Math::max);
                            watcher.firstAppend.compareAndSet(Long.MAX_VALUE, meta.timestamp());
                            watcher.lastAppend.accumulateAndGet(meta.timestamp(), Math::max);
                        }
                    });
                }
                LockSupport.parkNanos(1_000_000);
            }
            producer.flush();
        }
        return next;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    private JobSettings settings(String prefix, DeliveryGuarantee delivery) throws Exception {
        JobSettings s = bench.forRun(prefix);
        s.delivery = delivery;
        // The broker stamps each transaction with its append time: latency starts there.
        Topics.create(bench.bootstrap(), KafkaClientSecurity.NONE, List.of(new NewTopic(s.transactionsTopic, bench.parallelism(), (short) 1)
                .configs(Map.of("message.timestamp.type", "LogAppendTime"))));
        Topics.createTopics(bench.bootstrap(), s, bench.parallelism());
        return s;
    }

    /** Reads committed alerts as they appear and records each one's latency. */
    private static final class AlertWatcher implements Runnable {
        final Histogram histogram = new Histogram(3_600_000L, 3);
        final AtomicLong firstAppend = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastAppend = new AtomicLong();
        final AtomicLong counted = new AtomicLong();
        /** Alerts whose trigger time is no transaction of their merchant (raised when time passes), by rule. */
        final Map<String, Integer> unmatched = new ConcurrentHashMap<>();
        private final AtomicLong countFrom = new AtomicLong(Long.MAX_VALUE);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final JobSettings s;
        private final Map<String, Long> appendedAt;
        private final List<LatencyTrace.Alert> seen = new ArrayList<>();

        AlertWatcher(JobSettings s, Map<String, Long> appendedAt) {
            this.s = s;
            this.appendedAt = appendedAt;
        }

        void countFrom(long appendTime) {
            countFrom.set(appendTime);
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = AvroKafka.committedReader(s.bootstrapServers, s.groupId + "-watcher")) {
                consumer.subscribe(List.of(s.alertsTopic));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                        long readAt = System.currentTimeMillis();
                        MerchantAlert a = AvroKafka.decode(r.value(), MerchantAlert.class);
                        Long appended = appendedAt.get(a.getMerchant().getMerchantId() + "|" + a.getTriggeredAt().toEpochMilli());
                        if (appended == null) {
                            unmatched.merge(a.getRuleId(), 1, Integer::sum);
                        } else {
                            seen.add(new LatencyTrace.Alert(appended, readAt - appended, a.getRuleId()));
                        }
                    }
                }
            }
            // Counted once the warm-up's end is known.
            for (LatencyTrace.Alert e : seen) {
                if (e.appendedAt() >= countFrom.get()) {
                    histogram.recordValue(Math.max(0, e.millis()));
                    counted.incrementAndGet();
                }
            }
        }
    }
}
