package io.posmon.metrics;

import io.posmon.schema.MerchantAlert;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What the risk desk watches of the alerts leaving the job: a counter per rule and severity (as
 * {@code rule} and {@code severity} labels in Prometheus), and the time from the transaction that
 * tripped each alert to the alert leaving the job.
 */
public final class AlertMeter {

    /** Alerts kept by the latency histogram for its quantiles. */
    static final int LATENCY_WINDOW = 10_000;

    private final MetricGroup group;
    private final LongSupplier clockMillis;
    private final Map<String, Counter> byRuleAndSeverity = new HashMap<>();
    private final Histogram eventTimeToAlert;
    private final Counter alerts;

    public AlertMeter(MetricGroup group, LongSupplier clockMillis) {
        this.group = group;
        this.clockMillis = clockMillis;
        this.alerts = group.counter("alerts");
        this.eventTimeToAlert = group.histogram("eventTimeToAlertMillis", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    public void record(MerchantAlert alert) {
        alerts.inc();
        String severity = alert.getSeverity().name();
        byRuleAndSeverity.computeIfAbsent(alert.getRuleId() + '|' + severity,
                k -> group.addGroup("rule", alert.getRuleId()).addGroup("severity", severity).counter("alerts")).inc();
        // Timed only when transactions tripped it: an alert raised by a profile (a personal settlement
        // account) carries the profile's update time, and one raised when time passes carries none.
        Instant triggeredAt = alert.getTriggeredAt();
        if (triggeredAt != null && alert.getEvidence() != null && !alert.getEvidence().isEmpty()) {
            eventTimeToAlert.update(clockMillis.getAsLong() - triggeredAt.toEpochMilli());
        }
    }
}
