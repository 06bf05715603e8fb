package io.posmon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.posmon.carddata.PanGuard;
import io.posmon.schema.AlertKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, shortened: the demo on its in-process Kafka and MiniCluster shows
 * every kind of alert within its first 20 seconds and none for a normal merchant.
 */
class DemoTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void demoShowsEveryKindOfAlertAndNoneForNormalMerchants() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Demo.Result result = new Demo(
                new Demo.Options(Duration.ofSeconds(20), 400, 42, 2000, Path.of("../rules"), 1000, 2),
                new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        assertThat(result.jobRanToEnd()).isTrue();
        // The five rules an acquirer must run; authored pattern rules may add alerts of their own.
        assertThat(result.kinds()).contains(AlertKind.DAILY_CREDIT_LIMIT, AlertKind.VOLUME_JUMP,
                AlertKind.LARGE_ROUND_AMOUNTS, AlertKind.SUSPENDED_MERCHANT_ACTIVITY,
                AlertKind.PERSONAL_SETTLEMENT_ACCOUNT);
        assertThat(result.normalMerchantsAlerted()).isEmpty();
        // No clear card number in any alert, nor on the console.
        assertThat(result.alerts()).noneMatch(a -> PanGuard.containsClearPan(a.toString()));
        assertThat(PanGuard.containsClearPan(console.toString(StandardCharsets.UTF_8))).isFalse();
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("normal merchants alerted: 0");
        // The job's own metrics, as a deployment sends them to Prometheus: every committed alert
        // passed the alert meter, counted by rule and severity.
        Matcher metrics = Pattern.compile("Flink metrics: ([\\d,]+) tx in, .* (\\d+) alerts \\{(.*)}, event time to alert")
                .matcher(console.toString(StandardCharsets.UTF_8));
        assertThat(metrics.find()).as("final metrics line").isTrue();
        assertThat(Long.parseLong(metrics.group(1).replace(",", ""))).isPositive();
        assertThat(Long.parseLong(metrics.group(2))).isGreaterThanOrEqualTo(result.alerts().size());
        assertThat(metrics.group(3)).contains("daily-credit-limit/HIGH=", "large-round-amounts/");
    }
}
