package io.posmon.demo;

import io.posmon.rules.snapshot.RuleSetPublisher;
import io.posmon.rules.snapshot.RuleSnapshots;
import io.posmon.schema.RuleSetSnapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The demo's rules directory, watched: when a rule file is saved, the whole directory is published
 * to the rules topic as the running job would receive it from {@code posmon rules publish}. It
 * publishes what it finds, valid or not: the job decides, and the rule status console shows what
 * it decided.
 */
final class RulesWatcher implements Runnable {

    private static final long POLL_MILLIS = 1_000;

    private final Path dir;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private String lastVersion;

    RulesWatcher(Path dir, KafkaProducer<byte[], byte[]> producer, String topic, PrintStream out) throws Exception {
        this.dir = dir;
        this.producer = producer;
        this.topic = topic;
        this.out = out;
        // The job starts with the files as they are now: only changes are published.
        this.lastVersion = RuleSnapshots.fromDirectory(dir, "").getVersion();
    }

    @Override
    public void run() {
        while (running.get()) {
            try {
                Thread.sleep(POLL_MILLIS);
                RuleSetSnapshot now = RuleSnapshots.fromDirectory(dir, RuleSetPublisher.publisher("posmon demo (watching " + dir + ")"));
                if (!now.getVersion().equals(lastVersion)) {
                    lastVersion = now.getVersion();
                    RuleSetPublisher.publish(producer, topic, now);
                    out.printf(">>> %s changed: rule set %s published to %s%n", dir, now.getVersion(), topic);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // A file half-written by an editor: try again on the next poll.
                out.println(">>> cannot read " + dir + " yet: " + e.getMessage());
            }
        }
    }

    void stop() {
        running.set(false);
    }
}
