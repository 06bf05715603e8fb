package io.posmon.demo;

import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.kafka.AvroKafka;
import io.posmon.schema.PosTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Plays the generator's traffic into the transactions topic in real time, at its simulated speed. */
final class TrafficFeeder implements Runnable {

    private static final long TICK_MILLIS = 100;

    private final TrafficGenerator generator;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private volatile Instant simulatedNow;
    /** Simulated time at which to stop, or null to run until stopped. */
    private final Instant stopAt;

    TrafficFeeder(TrafficGenerator generator, KafkaProducer<byte[], byte[]> producer, String topic) {
        this(generator, producer, topic, null);
    }

    TrafficFeeder(TrafficGenerator generator, KafkaProducer<byte[], byte[]> producer, String topic, Instant stopAt) {
        this.generator = generator;
        this.producer = producer;
        this.topic = topic;
        this.stopAt = stopAt;
    }

    @Override
    public void run() {
        long wallStart = System.nanoTime();
        Instant last = generator.simulatedTimeAt(Duration.ZERO);
        simulatedNow = last;
        while (running.get() && (stopAt == null || last.isBefore(stopAt))) {
            Instant now = generator.simulatedTimeAt(Duration.ofNanos(System.nanoTime() - wallStart));
            if (stopAt != null && now.isAfter(stopAt)) {
                now = stopAt;
            }
            List<PosTransaction> batch = generator.transactionsBetween(last, now);
            AvroKafka.sendTransactions(producer, topic, batch);
            sent.addAndGet(batch.size());
            last = now;
            simulatedNow = now;
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void stop() {
        running.set(false);
    }

    long sent() {
        return sent.get();
    }

    Instant simulatedNow() {
        return simulatedNow;
    }
}
