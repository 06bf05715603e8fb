package io.posmon.bench;

import io.posmon.jobs.JobSettings;

import io.posmon.kafka.EmbeddedKafka;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posmon bench}: throughput, latency and scaling of the engine on this machine, with an
 * in-process Kafka broker and Flink MiniCluster; prints a Markdown report and writes it to a file.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the engine on this machine (in-process Kafka and Flink): throughput of each pipeline "
                + "against the ceiling, alert latency under a paced stream, and how cost grows with merchants and rules.")
public final class BenchCommand implements Callable<Integer> {

    /**
     * How much input a run reads, and from which simulated day: the same first day gives the same
     * input on any run date (weekdays, hours of night and month starts all shape the alerts).
     */
    record Sizes(long transactions, int merchants, int cards, long seed, LocalDate firstDay) {
    }

    /** How far behind today the first simulated day must be: the longest input (state part, 31 days) fits. */
    static final int MONTH_BEHIND = 40;

    /** What to measure. */
    enum Part { THROUGHPUT, SCALING, STATE, LATENCY }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--transactions", description = "Transactions written to Kafka and read by each throughput run. Default: ${DEFAULT-VALUE}")
    long transactions = 2_000_000;

    @Option(names = "--merchants", description = "Merchants of the throughput input. Default: ${DEFAULT-VALUE}")
    int merchants = 100_000;

    @Option(names = "--cards", description = "Cards of the throughput input. Default: ${DEFAULT-VALUE}")
    int cards = 1_000_000;

    @Option(names = "--scaling-transactions", description = "Transactions of each scaling run. Default: ${DEFAULT-VALUE}")
    long scalingTransactions = 50_000;

    // A scaling run is short (job start-up is a good part of it), so one run is at the mercy of a
    // hiccup of the machine: one ceiling run of 20,000 transactions once came out at a third of the others.
    @Option(names = "--scaling-repetitions", description = "Runs of each scaling variant (median and spread are reported). Default: ${DEFAULT-VALUE}")
    int scalingRepetitions = 3;

    @Option(names = "--repetitions", description = "Runs of each throughput variant (median and spread are reported). Default: ${DEFAULT-VALUE}")
    int repetitions = 3;

    // A running engine is warm: the first runs in a fresh JVM also measure class loading and the JIT
    // compiling the hot code. On this machine (2026-12-07) merchant risk ran its warm-up runs at 32,265,
    // 44,010 and 83,619 events/s, then 79,246-96,497; with one warm-up run the C2 compiler still took
    // 17-24% of a core during the measured runs.
    @Option(names = "--warm-up-runs", description = "Runs of each throughput variant before the measured ones, listed in the report but not counted. Default: ${DEFAULT-VALUE}")
    int warmUpRuns = 3;

    @Option(names = "--parts", split = ",", description = "Which parts to run: ${COMPLETION-CANDIDATES}. Default: all")
    List<Part> parts = List.of(Part.values());

    @Option(names = "--state-days", description = "Simulated days of the state growth run. Default: ${DEFAULT-VALUE}")
    int stateDays = 31;

    @Option(names = "--state-merchants", description = "Merchants of the state growth run. Default: ${DEFAULT-VALUE}")
    int stateMerchants = 200;

    @Option(names = "--variants", split = ",", description = "Throughput variants: ${COMPLETION-CANDIDATES}. Default: all")
    List<Variant> variants = List.of(Variant.values());

    @Option(names = "--delivery", description = "Delivery guarantee of the throughput runs' sinks: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
    DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;

    @Option(names = "--latency-rates", split = ",", description = "Paced rates (transactions/s) of the latency runs. Default: ${DEFAULT-VALUE}")
    List<Integer> latencyRates = List.of(1_000, 10_000, 50_000);

    @Option(names = "--latency-merchants", description = "Merchants of the paced stream (fewer merchants: more simulated days, so more alerts, per minute). Default: ${DEFAULT-VALUE}")
    int latencyMerchants = 100;

    @Option(names = "--latency-warm-up", converter = io.posmon.cli.DurationText.class, defaultValue = "15s", description = "Paced time before alerts are counted. Default: ${DEFAULT-VALUE}")
    Duration latencyWarmUp;

    @Option(names = "--latency-duration", converter = io.posmon.cli.DurationText.class, defaultValue = "60s", description = "Paced time whose alerts are counted. Default: ${DEFAULT-VALUE}")
    Duration latencyDuration;

    @Option(names = "--parallelism", description = "Job parallelism, and Kafka partitions of the input. Default: ${DEFAULT-VALUE}")
    int parallelism = 2;

    @Option(names = "--rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
    Path rulesDir = Path.of("rules");

    @Option(names = "--state-backend", description = "rocksdb or hashmap, for every run. Default: ${DEFAULT-VALUE}")
    String stateBackend = "rocksdb";

    // Both pipelines run four keyed operators, eight RocksDB instances on two slots: with 1g between
    // them they ran 1.6-2.8x slower than with 4g (README, Performance). The JVM's heap is separate.
    @Option(names = "--managed-memory", description = "Flink managed memory of the in-process cluster: RocksDB's block cache and write buffers, shared by all its slots. Default: ${DEFAULT-VALUE}")
    String managedMemory = "4g";

    @Option(names = "--buffer-timeout", converter = io.posmon.cli.DurationText.class, defaultValue = "10ms", description = "Network buffer timeout of every job (as `posmon run --buffer-timeout`). Default: ${DEFAULT-VALUE}")
    Duration bufferTimeout;

    @Option(names = "--incremental-checkpoints", negatable = true, defaultValue = "true", fallbackValue = "true", description = "RocksDB incremental checkpoints in every run (as `posmon run --[no-]incremental-checkpoints`). Default: ${DEFAULT-VALUE}")
    boolean incrementalCheckpoints = true;

    // A run of both pipelines on 1,000,000 transactions lasts 20-30 s here, so two or three checkpoints
    // fall in it, and each costs seconds of CPU: a shorter interval shows that cost per checkpoint.
    @Option(names = "--checkpoint-interval", converter = io.posmon.cli.DurationText.class, defaultValue = "10s", description = "Checkpoint interval of the throughput, scaling and latency runs (as `posmon run --checkpoint-interval`); the latency target is this plus 500 ms. Default: ${DEFAULT-VALUE}")
    Duration checkpointInterval;

    // Every run is a new job in the same JVM and leaves its whole state caches behind as garbage; the
    // old generation fills every few runs, and the run that meets the full collection pays for the
    // runs before it. A TaskManager that runs one job for days has no such garbage.
    @Option(names = "--collect-between-runs", negatable = true, defaultValue = "true", fallbackValue = "true", description = "A full garbage collection before each run starts, not timed, so no run pays for the garbage of the runs before it. Default: ${DEFAULT-VALUE}")
    boolean collectBetweenRuns = true;

    @Option(names = "--seed", description = "Generator seed. Default: ${DEFAULT-VALUE}")
    long seed = 42;

    // Fixed, so that runs on different dates read the same input; a Monday. Event times must stay
    // behind the time the input is written, so the day has to lie a month or more in the past.
    @Option(names = "--first-day", description = "First simulated day (local, in the rules' zone) of every part's input; at least "
            + MONTH_BEHIND + " days before today. Default: ${DEFAULT-VALUE}")
    LocalDate firstDay = LocalDate.of(2026, 10, 5);

    @Option(names = "--out", description = "Where the Markdown report is written. Default: ${DEFAULT-VALUE}")
    Path report = Path.of("jobs/target/bench/report.md");

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ZoneId zone = RuleCompiler.compile(RuleSetLoader.load(rulesDir)).engine().zone();
        if (firstDay.plusDays(Math.max(MONTH_BEHIND, stateDays + 2L)).isAfter(LocalDate.now(zone))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--first-day " + firstDay
                    + " is too recent: the inputs run up to a simulated month from it, and the job refuses event times "
                    + "ahead of the time they are written; give a day at least " + Math.max(MONTH_BEHIND, stateDays + 2) + " days before today");
        }
        if (repetitions < 1 || scalingRepetitions < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--repetitions and --scaling-repetitions must be at least 1");
        }
        Path work = Files.createTempDirectory("posmon-bench-");
        BenchReport results = new BenchReport(machine(), command());
        out.println("posmon bench: " + results.machine());
        out.println("starting an in-process Kafka broker and a Flink MiniCluster (" + parallelism + " slots) ...");
        // A failing part leaves the figures of the parts before it: they go into the report all the same.
        Exception failure = null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); BenchCluster cluster = new BenchCluster(parallelism, managedMemory, collectBetweenRuns)) {
            String bootstrap = kafka.bootstrapServers();
            BenchSettings bench = new BenchSettings(bootstrap, rulesDir, work, parallelism, stateBackend, bufferTimeout, incrementalCheckpoints,
                    checkpointInterval);
            if (parts.contains(Part.THROUGHPUT)) {
                Sizes sizes = new Sizes(transactions, merchants, cards, seed, firstDay);
                BenchInput input = BenchInput.write(bootstrap, "base.", work, sizes, parallelism, zone, out);
                out.println("throughput: " + warmUpRuns + " warm-up run(s), then " + repetitions + " repetitions of each variant");
                ThroughputBench throughput = new ThroughputBench(cluster, bench, input, delivery, out);
                List<ThroughputBench.Run> warmUps = throughput.warmUp(variants, warmUpRuns, rulesDir);
                results.throughput(input, checkpointInterval, warmUps, throughput.repeat(variants, repetitions, rulesDir, null));
            }
            if (parts.contains(Part.SCALING)) {
                // On a smaller input than the throughput runs: ten times the pattern rules cost about ten times more.
                Sizes base = new Sizes(scalingTransactions, merchants, cards, seed, firstDay);
                BenchInput input = BenchInput.write(bootstrap, "scaling.", work, base, parallelism, zone, out);
                ThroughputBench scaling = new ThroughputBench(cluster, bench, input, delivery, out);
                out.println("scaling: the merchant risk job as shipped, with 10x authored pattern rules, then on 10x merchants");
                Path manyRules = TenfoldRules.write(rulesDir, work.resolve("rules-x10"));
                int shippedRules = RuleSetLoader.load(rulesDir).rules().size();
                int manyRuleCount = RuleSetLoader.load(manyRules).rules().size();
                List<ThroughputBench.Run> scaled = new ArrayList<>();
                scaled.addAll(scaling.repeat(List.of(Variant.CEILING), scalingRepetitions, rulesDir, "ceiling, " + input.merchants() + " merchants"));
                scaled.addAll(scaling.repeat(List.of(Variant.RISK), scalingRepetitions, rulesDir,
                        "merchant risk, " + shippedRules + " rules, " + input.merchants() + " merchants"));
                scaled.addAll(scaling.repeat(List.of(Variant.RISK), scalingRepetitions, manyRules,
                        "merchant risk, " + manyRuleCount + " rules (10x authored patterns)"));
                Sizes more = new Sizes(scalingTransactions, Math.min(999_999, merchants * 10), cards, seed, firstDay);
                BenchInput wide = BenchInput.write(bootstrap, "wide.", work, more, parallelism, zone, out);
                scaled.addAll(new ThroughputBench(cluster, bench, wide, delivery, out).repeat(List.of(Variant.RISK), scalingRepetitions,
                        rulesDir, "merchant risk, " + shippedRules + " rules, " + wide.merchants() + " merchants"));
                results.scaling(scalingTransactions, scaled);
            }
            if (parts.contains(Part.STATE)) {
                out.printf("state: both pipelines over %d simulated days of %,d merchants, one day at a time%n",
                        stateDays, stateMerchants);
                results.state(stateMerchants, new StateGrowthBench(cluster, bench, out)
                        .run(new Sizes(0, stateMerchants, stateMerchants * 25, seed, firstDay), stateDays, zone));
            }
            if (parts.contains(Part.LATENCY)) {
                LatencyBench latency = new LatencyBench(cluster, bench, report.toAbsolutePath().getParent().resolve("latency-trace"));
                for (int rate : latencyRates) {
                    for (DeliveryGuarantee delivery : List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE)) {
                        out.printf("latency: paced at %,d/s, %s, %s warm-up + %s counted ...%n", rate, delivery,
                                latencyWarmUp, latencyDuration);
                        LatencyBench.Result r = latency.run(rate, delivery, latencyWarmUp, latencyDuration,
                                new Sizes(0, latencyMerchants, Math.max(100, latencyMerchants * 25), seed, firstDay), zone);
                        out.printf("  sent %,d at %,.0f/s; %d alerts counted (not tied to one transaction: %s): p50 %d ms, p99 %d ms, max %d ms; checkpoint pause (sync, median / max): %s%n",
                                r.sent(), r.achievedRate(), r.alertsCounted(), r.unmatchedByRule(),
                                r.millis().getValueAtPercentile(50), r.millis().getValueAtPercentile(99), r.millis().getMaxValue(),
                                r.checkpointPauses());
                        results.latency(r);
                    }
                }
            }
        } catch (Exception e) {
            failure = e;
            e.printStackTrace(out);
            results.note("**The run stopped with an error; the parts after it did not run:** " + e);
        } finally {
            // The input's files and every run's checkpoints: tens to hundreds of MB per invocation.
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(work.toFile());
        }
        results.note("Cluster: " + parallelism + " slots, managed memory " + managedMemory + " (RocksDB block cache and write buffers), "
                + (incrementalCheckpoints ? "incremental" : "full") + " checkpoints, network buffer timeout " + bufferTimeout.toMillis() + " ms, watermark interval " + new JobSettings().watermarkInterval.toMillis() + " ms, object reuse on, RocksDB bloom filters on"
                + (collectBetweenRuns ? "; a full garbage collection before each run, not timed" : "; no garbage collection between runs"));
        results.note(String.format(java.util.Locale.ROOT, "1-minute load average of the machine at the end: %.1f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        String markdown = results.markdown();
        out.println();
        out.println(markdown);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, markdown);
        out.println("report written to " + report);
        return failure == null ? 0 : 1;
    }

    private String command() {
        return String.join(" ", spec.commandLine().getParseResult() == null ? List.of("./posmon bench")
                : java.util.stream.Stream.concat(java.util.stream.Stream.of("./posmon"),
                        spec.commandLine().getParseResult().originalArgs().stream()).toList());
    }

    private static String machine() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // The collector changes the figures a lot here (see README Performance): the report names it.
        String collectors = String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
        // Whether the heap starts at its maximum, as a TaskManager's does (the launcher's default for the
        // bench). Both from the heap's pools: Runtime.maxMemory() leaves a survivor space out.
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format("%s, %d cores, %d GiB RAM, Java %s, heap %d MiB at most, %d MiB at the start, collectors %s, %s", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)),
                System.getProperty("java.version"), heap.getMax() / (1024 * 1024), heap.getInit() / (1024 * 1024), collectors,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }
}
