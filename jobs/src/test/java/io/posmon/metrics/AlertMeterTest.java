package io.posmon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.Severity;
import java.time.Instant;
import java.util.List;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class AlertMeterTest {

    private static MerchantAlert alert(String rule, Severity severity, Instant triggeredAt) {
        MerchantAlert a = new MerchantAlert();
        a.setRuleId(rule);
        a.setSeverity(severity);
        a.setTriggeredAt(triggeredAt);
        a.setEvidence(List.of(new EvidenceTransaction()));
        return a;
    }

    @Test
    void countsAlertsByRuleAndSeverityAndTimesThemFromTheirTrippingEvent() {
        MetricListener metrics = new MetricListener();
        long now = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();
        AlertMeter meter = new AlertMeter(metrics.getMetricGroup(), () -> now);

        meter.record(alert("daily-credit-limit", Severity.HIGH, Instant.ofEpochMilli(now - 250)));
        meter.record(alert("daily-credit-limit", Severity.HIGH, Instant.ofEpochMilli(now - 750)));
        meter.record(alert("volume-jump", Severity.MEDIUM, Instant.ofEpochMilli(now - 1_000)));
        meter.record(alert("time-passed", Severity.LOW, null));
        MerchantAlert byProfile = alert("personal-settlement-account", Severity.MEDIUM, Instant.ofEpochMilli(now - 86_400_000L));
        byProfile.setEvidence(List.of()); // raised by a profile update a day ago: not an event-to-alert time
        meter.record(byProfile);

        assertThat(metrics.getCounter("alerts").orElseThrow().getCount()).isEqualTo(5);
        assertThat(metrics.getCounter("rule", "daily-credit-limit", "severity", "HIGH", "alerts").orElseThrow().getCount())
                .isEqualTo(2);
        assertThat(metrics.getCounter("rule", "volume-jump", "severity", "MEDIUM", "alerts").orElseThrow().getCount())
                .isEqualTo(1);
        assertThat(metrics.getCounter("rule", "daily-credit-limit", "severity", "MEDIUM", "alerts")).isEmpty();
        var latency = metrics.getHistogram("eventTimeToAlertMillis").orElseThrow();
        assertThat(latency.getCount()).isEqualTo(3);
        assertThat(latency.getStatistics().getMax()).isEqualTo(1_000);
        assertThat(latency.getStatistics().getMin()).isEqualTo(250);
    }
}
