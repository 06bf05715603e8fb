package io.posmon.demo;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.MerchantAlert;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the risk desk would see: every committed alert as one readable line, as it arrives on the
 * alert topic (read_committed), and the alerts gathered for the closing summary.
 */
final class AlertConsole implements Runnable {

    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss");

    private final String bootstrap;
    private final String topic;
    private final PrintStream out;
    private final ZoneId zone;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<MerchantAlert> received = new ArrayList<>();

    AlertConsole(String bootstrap, String topic, PrintStream out, ZoneId zone) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.out = out;
        this.zone = zone;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = AvroKafka.committedReader(bootstrap, "posmon-demo-console")) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    MerchantAlert alert = AvroKafka.decode(r.value(), MerchantAlert.class);
                    synchronized (received) {
                        received.add(alert);
                    }
                    out.println(line(alert));
                }
            }
        }
    }

    void stop() {
        running.set(false);
    }

    List<MerchantAlert> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    private String line(MerchantAlert a) {
        // Profile findings have no transaction behind them: no event time to show.
        String when = a.getBusinessDate() == null || a.getTriggeredAt() == null
                ? "(profile)     " : EVENT_TIME.format(a.getTriggeredAt().atZone(zone));
        String kind = a.getKind() + (a.getStage().name().equals("EARLY_WARNING") ? " (warning)" : "");
        return String.format("%s  %-8s %-40s %s  [%s@%s]", when, a.getSeverity(), kind, a.getSummary(), a.getRuleId(),
                a.getRuleVersion());
    }

    /** Alerts per rule and stage, for the closing summary. */
    static Map<String, Integer> perRule(List<MerchantAlert> alerts) {
        Map<String, Integer> counts = new TreeMap<>();
        for (MerchantAlert a : alerts) {
            counts.merge(a.getRuleId() + (a.getStage().name().equals("EARLY_WARNING") ? " (warning)" : ""), 1, Integer::sum);
        }
        return counts;
    }
}
