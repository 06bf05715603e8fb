package io.posmon.demo;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.RuleChange;
import io.posmon.schema.RuleInForce;
import io.posmon.schema.RuleSetStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** What the running job did with each published rule set, as it reports on the rule-status topic. */
final class RuleStatusConsole implements Runnable {

    private final String bootstrap;
    private final String topic;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);

    RuleStatusConsole(String bootstrap, String topic, PrintStream out) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.out = out;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = AvroKafka.committedReader(bootstrap, "posmon-demo-rule-status")) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.print(describe(AvroKafka.decode(r.value(), RuleSetStatus.class)));
                }
            }
        }
    }

    void stop() {
        running.set(false);
    }

    static String describe(RuleSetStatus s) {
        StringBuilder b = new StringBuilder();
        if (!s.getAccepted()) {
            b.append(String.format(">>> rule set %s REJECTED by the job; the rules in force stay (set #%d):%n",
                    s.getVersion(), s.getSequence()));
            s.getProblems().forEach(p -> b.append("      ").append(p).append(System.lineSeparator()));
            return b.toString();
        }
        b.append(String.format(">>> rule set %s IN FORCE (set #%d):", s.getVersion(), s.getSequence()));
        for (RuleInForce r : s.getRules()) {
            if (r.getChange() != RuleChange.UNCHANGED) {
                b.append(String.format(" %s %s@%s;", r.getChange().name().toLowerCase(), r.getRuleId(), r.getRuleVersion()));
            }
        }
        long unchanged = s.getRules().stream().filter(r -> r.getChange() == RuleChange.UNCHANGED).count();
        b.append(String.format(" %d unchanged%n", unchanged));
        return b.toString();
    }
}
