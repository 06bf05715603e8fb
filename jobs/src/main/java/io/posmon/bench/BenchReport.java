package io.posmon.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** The benchmark's figures as Markdown tables. */
final class BenchReport {

    private final String machine;
    private final String command;
    private BenchInput input;
    private java.time.Duration checkpointInterval;
    private final List<ThroughputBench.Run> warmUps = new ArrayList<>();
    private final List<ThroughputBench.Run> throughput = new ArrayList<>();
    private final List<ThroughputBench.Run> scaling = new ArrayList<>();
    private final List<LatencyBench.Result> latency = new ArrayList<>();
    private final List<StateGrowthBench.Day> state = new ArrayList<>();
    private int stateMerchants;
    private long scalingTransactions;

    BenchReport(String machine, String command) {
        this.machine = machine;
        this.command = command;
    }

    private final List<String> notes = new ArrayList<>();

    void note(String line) {
        notes.add(line);
    }

    String machine() {
        return machine;
    }

    void throughput(BenchInput in, java.time.Duration checkpoints, List<ThroughputBench.Run> warmUpRuns,
                    List<ThroughputBench.Run> runs) {
        input = in;
        checkpointInterval = checkpoints;
        warmUps.addAll(warmUpRuns);
        throughput.addAll(runs);
    }

    void scaling(long transactions, List<ThroughputBench.Run> runs) {
        scalingTransactions = transactions;
        scaling.addAll(runs);
    }

    void state(int merchants, List<StateGrowthBench.Day> days) {
        stateMerchants = merchants;
        state.addAll(days);
    }

    void latency(LatencyBench.Result r) {
        latency.add(r);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(command).append("`  \nMachine: ").append(machine).append("  \n");
        notes.forEach(n -> md.append(n).append("  \n"));
        md.append("\n");
        if (!throughput.isEmpty()) {
            md.append(String.format(Locale.ROOT, "Throughput: %,d transactions of %,d merchants (%,d with a transaction), read to the end from "
                    + "Kafka; RocksDB, checkpoints every %s; median of %d runs (min-max), after %d warm-up run(s) of each, "
                    + "not counted (listed below the table).%n%n",
                    input.transactions(), input.merchants(), input.activeMerchants(), java.math.BigDecimal.valueOf(checkpointInterval.toMillis(), 3).stripTrailingZeros().toPlainString() + " s",
                    count(throughput) / group(throughput).size(),
                    warmUps.size() / group(throughput).size()));
            md.append(HEADER);
            Map<String, List<ThroughputBench.Run>> byLabel = group(throughput);
            double ceiling = byLabel.containsKey(Variant.CEILING.label) ? median(byLabel.get(Variant.CEILING.label)) : Double.NaN;
            byLabel.forEach((label, runs) -> row(md, label, runs, ceiling));
            if (!warmUps.isEmpty()) {
                md.append("\nWarm-up runs, in order (a fresh JVM is slower until the JIT compiler has compiled the hot code):\n\n");
                group(warmUps).forEach((label, runs) -> md.append("- ").append(label).append(": ").append(String.join(", ",
                        runs.stream().map(r -> String.format(Locale.ROOT, "%,.0f events/s (%s CPU per event)",
                                r.eventsPerSecond(), r.cpuPerEventText())).toList())).append("\n"));
            }
            md.append("\nCPU by thread in the last run of each variant, percent of one core (every thread of the JVM, "
                    + "native ones too, from /proc; both subtasks of an operator together):\n\n");
            byLabel.forEach((label, runs) -> md.append("- ").append(label).append(": ")
                    .append(ThreadCpu.summary(runs.get(runs.size() - 1).figures().cpuPercentOfOneCore(), 8)).append("\n"));
            md.append("\nWhere each task's time went in the last run of each variant, as Flink counts it (busy: processing; "
                    + "back-pressured: waiting for room towards the next task; idle: waiting for input; both subtasks together; "
                    + "busy includes time the thread was ready but had no core):\n\n");
            byLabel.forEach((label, runs) -> md.append("- ").append(label).append(": ")
                    .append(TaskTimes.summary(runs.get(runs.size() - 1).figures().taskTimes())).append("\n"));
            md.append("\nCheckpoints completed during each measured run, in order (each costs the keyed operators a write of "
                    + "every key changed since the one before, and RocksDB a flush; two or three fall in a run of 20-30 s):\n\n");
            byLabel.forEach((label, runs) -> md.append("- ").append(label).append(": ").append(String.join(", ",
                    runs.stream().map(r -> String.format(Locale.ROOT, "%d (%,.0f events/s, %s CPU per event)",
                            r.figures().checkpoints(), r.eventsPerSecond(), r.cpuPerEventText())).toList())).append("\n"));
            md.append("\nGarbage collections during each measured run (count and time, per collector, as the JVM reports them):\n\n");
            byLabel.forEach((label, runs) -> md.append("- ").append(label).append(": ").append(String.join("; ",
                    runs.stream().map(r -> r.figures().collections().text()).toList())).append("\n"));
            md.append("\n");
        }
        if (!scaling.isEmpty()) {
            Map<String, List<ThroughputBench.Run>> byLabel = group(scaling);
            List<ThroughputBench.Run> ceilingRuns = byLabel.values().iterator().next();
            md.append(String.format(Locale.ROOT, "Scaling: %,d transactions, median of %d run(s) each (min-max); "
                    + "\"of ceiling\" against the first row's median:%n%n", scalingTransactions, ceilingRuns.size()));
            md.append(HEADER);
            double ceiling = median(ceilingRuns);
            byLabel.forEach((label, runs) -> row(md, label, runs, ceiling));
            md.append("\n");
        }
        if (!state.isEmpty()) {
            md.append(String.format(Locale.ROOT, "State after each simulated day (%,d merchants, both pipelines, full "
                    + "checkpoint sizes on the heap backend, i.e. the live state serialized; every 5th day and the last):%n%n", stateMerchants));
            md.append("| day | transactions | per merchant | merchant risk | pattern rules | merchant contributions | per customer |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < state.size(); i++) {
                if (i % 5 == 4 || i == state.size() - 1 || i == 0) {
                    StateGrowthBench.Day d = state.get(i);
                    md.append(String.format(Locale.ROOT, "| %d (%s) | %,d | %,d B | %,d B | %,d B | %,d B | %,d B |%n", i + 1,
                            d.date(), d.transactions(), d.perMerchant(), d.merchantRisk(), d.patternRules(),
                            d.merchantContributions(), d.perCustomer()));
                }
            }
            md.append("\n");
            appendBreakdown(md, state.get(0), state.get(state.size() - 1));
        }
        if (!latency.isEmpty()) {
            md.append("Alert latency, paced stream (merchant risk job; from the broker's append of the tripping "
                    + "transaction to the alert readable by a read_committed consumer):\n\n");
            md.append("| rate | delivery | achieved rate | alerts | p50 | p99 | max | checkpoint pause per subtask, sync median / max |\n"
                    + "|---:|---|---:|---:|---:|---:|---:|---|\n");
            for (LatencyBench.Result r : latency) {
                md.append(String.format(Locale.ROOT, "| %,d/s | %s | %,.0f/s | %d | %d ms | %d ms | %d ms | %s |%n",
                        r.ratePerSecond(), r.delivery(), r.achievedRate(), r.alertsCounted(),
                        r.millis().getValueAtPercentile(50), r.millis().getValueAtPercentile(99), r.millis().getMaxValue(),
                        r.checkpointPauses()));
            }
            md.append("\nEach run's alerts and checkpoint phases are in jobs/target/bench/latency-trace/ (CSV).\n");
        }
        return md.toString();
    }

    private static final String HEADER =
            "| run | events/s | min-max | of ceiling | CPU per event (median) | peak heap | state per active merchant | checkpoints (median / max) | GC time (median) |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";

    /** The first and last day's state by operator and state (StateBreakdown), largest first within each operator. */
    static void appendBreakdown(StringBuilder md, StateGrowthBench.Day first, StateGrowthBench.Day last) {
        for (StateGrowthBench.Day d : List.of(first, last)) {
            if (d.breakdown().problem() != null) {
                md.append("The state by operator and state was not read on ").append(d.date()).append(": ")
                        .append(d.breakdown().problem()).append("\n\n");
                return;
            }
        }
        md.append(String.format(Locale.ROOT, "The state of the first and last day by operator and state, per merchant (per "
                + "customer for the customer contributions), read back from the checkpoint's files with the serializers it "
                + "names; a keyed state's bytes include each entry's key and namespace, \"%s\" the serializers' "
                + "descriptions and the key groups' and states' ids:%n%n", StateBreakdown.HEADERS));
        md.append(String.format(Locale.ROOT, "| operator | state | kind | %s | %s |%n|---|---|---|---:|---:|%n",
                first.date(), last.date()));
        List<String> operators = new ArrayList<>(StateGrowthBench.MERCHANT_OPERATORS);
        operators.add(StateGrowthBench.CUSTOMER_CONTRIBUTIONS);
        for (String operator : operators) {
            Map<String, StateBreakdown.Part> before = new HashMap<>();
            first.breakdown().parts().stream().filter(p -> p.operator().equals(operator)).forEach(p -> before.put(p.state(), p));
            List<StateBreakdown.Part> after = last.breakdown().parts().stream().filter(p -> p.operator().equals(operator))
                    .sorted(Comparator.comparingLong(StateBreakdown.Part::bytes).reversed()).toList();
            for (StateBreakdown.Part p : after) {
                StateBreakdown.Part b = before.get(p.state());
                long was = b == null ? 0 : first.breakdown().perSubject(b);
                long now = last.breakdown().perSubject(p);
                if (was > 0 || now > 0) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d B | %,d B |%n", operator, p.state(), p.kind(), was, now));
                }
            }
        }
        StateGrowthBench.Breakdown b = last.breakdown();
        ToLongFunction<Predicate<String>> sum = (operator) -> b.parts().stream()
                .filter(p -> operator.test(p.operator())).mapToLong(StateBreakdown.Part::bytes).sum();
        ToLongFunction<Predicate<String>> fixed = (operator) -> b.parts().stream()
                .filter(p -> operator.test(p.operator())).mapToLong(StateBreakdown.Part::fixed).sum();
        Predicate<String> merchants = StateGrowthBench.MERCHANT_OPERATORS::contains;
        Predicate<String> customers = StateGrowthBench.CUSTOMER_CONTRIBUTIONS::equals;
        md.append(String.format(Locale.ROOT, "%nOf these, on %s, %,d B per merchant and %,d B per customer are fixed (the "
                        + "headers, and each keyed state's id and count in every key group): the same in total for %,d merchants "
                        + "as for 100,000. Without them, %,d B per merchant and %,d B per customer.%n%n", last.date(),
                fixed.applyAsLong(merchants) / b.merchants(), fixed.applyAsLong(customers) / b.customers(), b.merchants(),
                (sum.applyAsLong(merchants) - fixed.applyAsLong(merchants)) / b.merchants(),
                (sum.applyAsLong(customers) - fixed.applyAsLong(customers)) / b.customers()));
    }

    private static void row(StringBuilder md, String label, List<ThroughputBench.Run> runs, double ceiling) {
        double[] rates = runs.stream().mapToDouble(ThroughputBench.Run::eventsPerSecond).sorted().toArray();
        double median = median(runs);
        ThroughputBench.Run last = runs.get(runs.size() - 1);
        BenchCluster.Finished f = last.figures();
        long peakHeap = runs.stream().mapToLong(r -> r.figures().peakHeapBytes()).max().orElse(0);
        String state = f.checkpoints() == 0 ? "no checkpoint" : String.format(Locale.ROOT, "%,d B", f.stateBytes() / last.merchants());
        // Runs where /proc could not be read have no CPU figure: the median is of those that do.
        double cpuMedian = median(runs.stream().mapToDouble(ThroughputBench.Run::cpuMicrosPerEvent).filter(c -> !Double.isNaN(c)));
        double gcMedian = median(runs.stream().mapToDouble(r -> r.figures().collections().totalMillis()));
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f-%,.0f | %s | %s | %,d MiB | %s | %,d / %,d ms | %,.0f ms |%n", label, median,
                rates[0], rates[rates.length - 1], Double.isNaN(ceiling) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * median / ceiling),
                ThroughputBench.cpuText(cpuMedian),
                peakHeap / (1024 * 1024), state, f.checkpointMedianMillis(), f.checkpointMaxMillis(), gcMedian));
    }

    private static Map<String, List<ThroughputBench.Run>> group(List<ThroughputBench.Run> runs) {
        Map<String, List<ThroughputBench.Run>> byLabel = new LinkedHashMap<>();
        for (ThroughputBench.Run r : runs) {
            byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        return byLabel;
    }

    private static int count(List<ThroughputBench.Run> runs) {
        return runs.size();
    }

    private static double median(List<ThroughputBench.Run> runs) {
        return median(runs.stream().mapToDouble(ThroughputBench.Run::eventsPerSecond));
    }

    /** The median of the values, NaN when there are none. */
    private static double median(java.util.stream.DoubleStream values) {
        double[] r = values.sorted().toArray();
        return r.length == 0 ? Double.NaN : r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }
}
