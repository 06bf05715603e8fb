package io.posmon.demo;

import io.posmon.kafka.AvroKafka;
import io.posmon.operators.MoneyFormat;
import io.posmon.schema.ContributionSubject;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.schema.TierChange;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the CRM would see: the latest committed contribution record of every customer-day (the
 * topic is keyed, the latest wins), for a "top customers of the day" view, and tier changes as they arrive.
 */
final class ContributionConsole implements Runnable {

    private final String bootstrap;
    private final String contributionsTopic;
    private final String tierChangesTopic;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, CustomerContribution> latestCustomerDays = new HashMap<>();
    private int records;
    private int tierChanges;

    ContributionConsole(String bootstrap, String contributionsTopic, String tierChangesTopic, PrintStream out) {
        this.bootstrap = bootstrap;
        this.contributionsTopic = contributionsTopic;
        this.tierChangesTopic = tierChangesTopic;
        this.out = out;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = AvroKafka.committedReader(bootstrap, "posmon-demo-crm")) {
            consumer.subscribe(List.of(contributionsTopic, tierChangesTopic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(tierChangesTopic)) {
                        TierChange c = AvroKafka.decode(r.value(), TierChange.class);
                        synchronized (this) {
                            tierChanges++;
                        }
                        out.printf("  tier change: customer %s %s -> %s from %s (%d points over the lookback)%n",
                                c.getCustomerId(), c.getFromTier(), c.getToTier(), c.getEffectiveDate(), c.getPoints6Months());
                        continue;
                    }
                    CustomerContribution c = AvroKafka.decode(r.value(), CustomerContribution.class);
                    synchronized (this) {
                        records++;
                        if (c.getSubjectType() == ContributionSubject.CUSTOMER && c.getPeriodType() == PeriodType.DAY) {
                            latestCustomerDays.put(c.getSubjectId() + "|" + c.getPeriod(), c);
                        }
                    }
                }
            }
        }
    }

    void stop() {
        running.set(false);
    }

    /** "top customers on 2026-11-24: C00000123 1,234.56 CNY (12 pts), ..." for the latest day seen. */
    synchronized String topCustomersOfTheDay(int n) {
        String day = latestCustomerDays.values().stream().map(CustomerContribution::getPeriod)
                .max(Comparator.naturalOrder()).orElse(null);
        if (day == null) {
            return "no customer contribution committed yet";
        }
        return "top customers on " + day + ": " + latestCustomerDays.values().stream()
                .filter(c -> c.getPeriod().equals(day))
                .sorted(Comparator.comparingLong(CustomerContribution::getEligibleSpendingMinor).reversed())
                .limit(n)
                .map(c -> String.format("%s %s (%d pts)", c.getSubjectId(),
                        MoneyFormat.format(c.getEligibleSpendingMinor(), c.getCurrency()), c.getPoints()))
                .collect(Collectors.joining(", "));
    }

    synchronized int records() {
        return records;
    }

    synchronized int tierChanges() {
        return tierChanges;
    }
}
