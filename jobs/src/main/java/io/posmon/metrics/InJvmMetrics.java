package io.posmon.metrics;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the metrics of a MiniCluster in this JVM, so the demo can
 * print the figures a deployment sends to Prometheus. Configured by
 * {@code metrics.reporter.in-jvm.factory.class: io.posmon.metrics.InJvmMetrics}; found by Flink
 * through {@code META-INF/services}.
 */
public final class InJvmMetrics implements MetricReporterFactory {

    /** A metric with its name and its scope's variables (e.g. {@code <operator_name>}, {@code <rule>}). */
    public record Registered(String name, Map<String, String> variables, Metric metric) {
    }

    private static final Map<Metric, Registered> METRICS = new ConcurrentHashMap<>();

    /** Makes a MiniCluster started with {@code conf} report its metrics to this JVM's registry. */
    public static void enable(org.apache.flink.configuration.Configuration conf) {
        conf.set(org.apache.flink.configuration.ConfigOptions.key("metrics.reporter.in-jvm.factory.class")
                .stringType().noDefaultValue(), InJvmMetrics.class.getName());
    }

    /** The metrics registered now, by every job of every MiniCluster in this JVM. */
    public static Iterable<Registered> all() {
        return METRICS.values();
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new MetricReporter() {
            @Override
            public void open(MetricConfig config) {
            }

            @Override
            public void close() {
            }

            @Override
            public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
                METRICS.put(metric, new Registered(name, Map.copyOf(group.getAllVariables()), metric));
            }

            @Override
            public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
                METRICS.remove(metric);
            }
        };
    }
}
