package io.posmon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU time this JVM's threads take during a run, by group of threads (the subtasks of an
 * operator, the collector's workers, RocksDB's native threads), read from Linux's
 * {@code /proc/self/task}. JFR's thread CPU does not see native threads, and a job's task threads
 * end with the job, so the threads are sampled while it runs: a thread that ends counts with what
 * it had used at its last sample. Elsewhere than on Linux it measures nothing.
 */
final class ThreadCpu implements AutoCloseable {

    /** The unit of the times in /proc (USER_HZ), 100 on Linux whatever the kernel's own tick. */
    static final long TICKS_PER_SECOND = 100;

    private static final Path TASKS = Path.of("/proc/self/task");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-cpu-sampler");
        t.setDaemon(true);
        return t;
    });
    private final long startNanos = System.nanoTime();
    /** Per thread id: its group, its ticks when first seen (0 for a thread started during the run), at its last sample. */
    private final Map<String, long[]> ticks = new HashMap<>();
    private final Map<String, String> groups = new HashMap<>();
    private long elapsedNanos;

    ThreadCpu(long sampleMillis) {
        sample(true);
        timer.scheduleAtFixedRate(() -> sample(false), sampleMillis, sampleMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample(boolean atStart) {
        if (!Files.isDirectory(TASKS)) {
            return;
        }
        try (Stream<Path> threads = Files.list(TASKS)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                String[] stat = read(t.resolve("stat"));
                if (stat == null) {
                    continue; // ended meanwhile
                }
                String id = t.getFileName().toString();
                long used = Long.parseLong(stat[1]);
                long[] seen = ticks.computeIfAbsent(id, k -> new long[] {atStart ? used : 0, used});
                seen[1] = used;
                groups.putIfAbsent(id, group(stat[0]));
            }
        } catch (IOException e) {
            // A listing that fails leaves the samples taken so far.
        }
    }

    /** The thread's name and its user plus system ticks, from one {@code stat} file; null when it is gone. */
    private static String[] read(Path stat) {
        try {
            return parse(Files.readString(stat));
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code pid (name) state ppid ...}: the name may hold spaces and parentheses, so fields count from the last ')'. */
    static String[] parse(String stat) {
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new String[] {name, Long.toString(Long.parseLong(f[11]) + Long.parseLong(f[12]))};
    }

    /**
     * The group of a thread name as /proc gives it (at most 15 characters): the name without its
     * subtask or worker number, so that {@code merchant-risk -} of both subtasks, or {@code GC
     * Thread#0} and {@code GC Thread#1}, count together.
     */
    static String group(String name) {
        String g = name.replaceAll("[ \\-(#0-9/)]+$", "");
        return g.isEmpty() ? name : g;
    }

    /** Stops sampling, after a last sample; closing again changes nothing. */
    @Override
    public synchronized void close() {
        if (timer.isShutdown()) {
            return;
        }
        timer.shutdownNow();
        sample(false);
        elapsedNanos = System.nanoTime() - startNanos;
    }

    /** Percent of one core each group used over the sampled time, highest first (after {@link #close}). */
    synchronized Map<String, Double> percentOfOneCore() {
        Map<String, Long> byGroup = new HashMap<>();
        ticks.forEach((id, t) -> byGroup.merge(groups.get(id), t[1] - t[0], Long::sum));
        double seconds = elapsedNanos / 1e9;
        return byGroup.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> 100.0 * e.getValue() / TICKS_PER_SECOND / seconds,
                        (a, b) -> a, LinkedHashMap::new));
    }

    /** The CPU time of every thread together over the sampled time, in seconds (after {@link #close}). */
    synchronized double cpuSeconds() {
        long all = 0;
        for (long[] t : ticks.values()) {
            all += t[1] - t[0];
        }
        return (double) all / TICKS_PER_SECOND;
    }

    /** The first {@code top} groups as "name 61%, ...", and what the JVM used in all. */
    static String summary(Map<String, Double> percent, int top) {
        if (percent.isEmpty()) {
            return "not measured (no /proc/self/task)";
        }
        List<String> parts = percent.entrySet().stream().limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), e.getValue())).toList();
        double all = percent.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.join(", ", parts) + String.format(Locale.ROOT, "; all threads %.0f%%", all);
    }
}
