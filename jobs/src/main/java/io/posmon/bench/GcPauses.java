package io.posmon.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The garbage collections of this JVM during one run, per collector (for the parallel collector,
 * {@code PS Scavenge} the young and {@code PS MarkSweep} the full ones), from the collectors' own
 * counts and accumulated times: in the bench's one JVM the collector is a large part of a run's CPU,
 * and whether a run met a full collection explains much of the spread between runs.
 */
record GcPauses(List<Collector> collectors) {

    /** One collector's collections during the run, and their accumulated time as the JVM reports it. */
    record Collector(String name, long count, long millis) {
    }

    /** The counts and times so far, to subtract from a later {@link #now()}. */
    static GcPauses now() {
        List<Collector> all = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            all.add(new Collector(gc.getName(), Math.max(0, gc.getCollectionCount()), Math.max(0, gc.getCollectionTime())));
        }
        return new GcPauses(all);
    }

    /** What happened between {@code before} and this. */
    GcPauses since(GcPauses before) {
        Map<String, Collector> earlier = new LinkedHashMap<>();
        before.collectors.forEach(c -> earlier.put(c.name(), c));
        List<Collector> delta = new ArrayList<>();
        for (Collector c : collectors) {
            Collector b = earlier.getOrDefault(c.name(), new Collector(c.name(), 0, 0));
            delta.add(new Collector(c.name(), c.count() - b.count(), c.millis() - b.millis()));
        }
        return new GcPauses(delta);
    }

    long totalMillis() {
        return collectors.stream().mapToLong(Collector::millis).sum();
    }

    /** "PS Scavenge 12 in 3.1 s, PS MarkSweep 1 in 0.9 s". */
    String text() {
        return String.join(", ", collectors.stream().map(c -> String.format(Locale.ROOT, "%s %d in %.1f s",
                c.name(), c.count(), c.millis() / 1000.0)).toList());
    }
}
