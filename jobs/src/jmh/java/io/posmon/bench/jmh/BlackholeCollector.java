package io.posmon.bench.jmh;

import org.apache.flink.util.Collector;
import org.openjdk.jmh.infra.Blackhole;

/** A Flink collector that counts the records and hands each to the benchmark's Blackhole (set before each call; none in set-up). */
final class BlackholeCollector<T> implements Collector<T> {
    Blackhole bh;
    int collected;

    @Override
    public void collect(T record) {
        collected++;
        if (bh != null) {
            bh.consume(record);
        }
    }

    @Override
    public void close() {
    }
}
