package io.posmon.bench;

import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.JobSettings;
import io.posmon.jobs.PosmonJob;
import io.posmon.kafka.Topics;
import io.posmon.operators.SplitDeadLetters;
import io.posmon.records.RecordTypes;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.KafkaSources;
import io.posmon.sources.Watermarks;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Times jobs reading the whole prepared input to its end (bounded source). */
final class ThroughputBench {

    /** One timed run. */
    record Run(Variant variant, String label, long events, BenchCluster.Finished figures, int merchants) {
        double eventsPerSecond() {
            return events * 1000.0 / figures.netRuntimeMillis();
        }

        /** The CPU time of the whole JVM per event, in microseconds; NaN where /proc cannot be read. */
        double cpuMicrosPerEvent() {
            return figures.cpuSeconds() > 0 ? figures.cpuSeconds() * 1e6 / events : Double.NaN;
        }

        /** {@link #cpuMicrosPerEvent()} as text: "12.3 us", or "-" when not measured. */
        String cpuPerEventText() {
            return cpuText(cpuMicrosPerEvent());
        }
    }

    static String cpuText(double micros) {
        return Double.isNaN(micros) ? "-" : String.format(java.util.Locale.ROOT, "%.1f us", micros);
    }

    private final BenchCluster cluster;
    private final BenchSettings bench;
    private final BenchInput input;
    private final DeliveryGuarantee delivery;
    private Path rulesDir;
    private final PrintStream out;
    private int runs;

    ThroughputBench(BenchCluster cluster, BenchSettings bench, BenchInput input, DeliveryGuarantee delivery,
                    PrintStream out) {
        this.cluster = cluster;
        this.bench = bench;
        this.input = input;
        this.delivery = delivery;
        this.out = out;
    }

    /**
     * Runs every variant {@code runs} times before the measured runs, which then find the JVM warm;
     * returns these runs, which the report lists but does not count.
     */
    List<Run> warmUp(List<Variant> variants, int runs, Path rulesDir) throws Exception {
        List<Run> all = new ArrayList<>();
        for (int rep = 1; rep <= runs; rep++) {
            for (Variant v : variants) {
                Run r = run(v, rulesDir, v.label);
                out.printf("  %-48s warm-up %d/%d: %,10.0f events/s, %s CPU per event (not counted; GC: %s)%n", r.label(), rep,
                        runs, r.eventsPerSecond(), r.cpuPerEventText(), r.figures().collections().text());
                all.add(r);
            }
        }
        return all;
    }

    /** Runs every variant once per repetition, interleaved so a slow spell of the machine hits all alike. */
    List<Run> repeat(List<Variant> variants, int repetitions, Path rulesDir, String label) throws Exception {
        List<Run> all = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++) {
            for (Variant v : variants) {
                Run r = run(v, rulesDir, label == null ? v.label : label);
                out.printf("  %-48s run %d/%d: %,10.0f events/s, %s CPU per event  (%.1f s, %d checkpoints; GC: %s)%n", r.label(),
                        rep, repetitions, r.eventsPerSecond(), r.cpuPerEventText(), r.figures().netRuntimeMillis() / 1000.0,
                        r.figures().checkpoints(), r.figures().collections().text());
                out.printf("    tasks: %s%n", TaskTimes.summary(r.figures().taskTimes()));
                all.add(r);
            }
        }
        return all;
    }

    Run run(Variant v, Path rulesDir, String label) throws Exception {
        this.rulesDir = rulesDir;
        JobSettings s = settings("bench" + (++runs) + "-" + v.name().toLowerCase() + ".");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(bench.parallelism());
        if (v == Variant.CEILING) {
            var engine = RuleCompiler.compile(RuleSetLoader.load(rulesDir)).engine();
            env.fromSource(KafkaSources.transactions(s, engine), Watermarks.transactions(engine), "transactions")
                    .process(new SplitDeadLetters<PosTransaction>(), RecordTypes.TRANSACTION)
                    .name("decode-transactions")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            PosmonJob.onKafka(s, v.risk, v.contributions).build(env);
        }
        return new Run(v, label, input.transactions(), cluster.runToEnd(env, "bench " + label), input.activeMerchants());
    }

    /** The job on the prepared input, with its own output topics and consumer group. */
    private JobSettings settings(String prefix) throws Exception {
        JobSettings s = bench.forRun(prefix);
        s.rulesDir = rulesDir;
        s.transactionsTopic = input.topic();
        s.profilesTopic = input.profilesTopic();
        s.profilesFile = input.profilesFile();
        s.bounded = true;
        s.delivery = delivery;
        Topics.createTopics(bench.bootstrap(), s, bench.parallelism());
        return s;
    }
}
