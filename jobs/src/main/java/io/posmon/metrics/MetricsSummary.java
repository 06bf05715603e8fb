package io.posmon.metrics;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;

/** The desk's and operator's figures in one line, summed over subtasks, from {@link InJvmMetrics}. */
public final class MetricsSummary {

    private MetricsSummary() {
    }

    public static String line(Iterable<InJvmMetrics.Registered> metrics) {
        long in = 0, late = 0, duplicates = 0, dead = 0, alerts = 0;
        double latencyP99 = 0, evaluationP99 = 0;
        long rules = 0;
        Map<String, Long> byRule = new TreeMap<>();
        for (InJvmMetrics.Registered r : metrics) {
            String operator = r.variables().getOrDefault("<operator_name>", "");
            Metric m = r.metric();
            switch (r.name()) {
                case "numRecordsOut" -> in += operator.equals("decode-transactions") ? count(m) : 0;
                case "lateTransactions" -> late += count(m);
                case "duplicateTransactions" -> duplicates += count(m);
                case "deadLetters" -> dead += count(m);
                case "alerts" -> {
                    String rule = r.variables().get("<rule>");
                    if (rule == null) {
                        alerts += count(m);
                    } else {
                        byRule.merge(rule + "/" + r.variables().get("<severity>"), count(m), Long::sum);
                    }
                }
                case "eventTimeToAlertMillis" -> latencyP99 = Math.max(latencyP99, p99(m));
                case "ruleEvaluationMicros" -> evaluationP99 = Math.max(evaluationP99, p99(m));
                case "rulesInForce" -> rules = Math.max(rules, number(m));
                default -> { }
            }
        }
        return String.format("metrics: %,d tx in, %d late, %d duplicate, %d dead letters; %d rules in force, "
                        + "rule evaluation p99 %.0f us; %d alerts %s, event time to alert p99 %.0f ms",
                in, late, duplicates, dead, rules, evaluationP99, alerts, byRule, latencyP99);
    }

    private static long count(Metric m) {
        return m instanceof Counter c ? c.getCount() : 0;
    }

    private static double p99(Metric m) {
        return m instanceof Histogram h && h.getCount() > 0 ? h.getStatistics().getQuantile(0.99) : 0;
    }

    private static long number(Metric m) {
        return m instanceof Gauge<?> g && g.getValue() instanceof Number n ? n.longValue() : 0;
    }
}
