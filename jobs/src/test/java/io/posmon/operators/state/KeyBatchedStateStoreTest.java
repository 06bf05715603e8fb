package io.posmon.operators.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batched map must behave as the map state it replaces: per key, across calls, after a
 * checkpoint is restored, on both state backends; and an emptied map must leave nothing stored.
 */
class KeyBatchedStateStoreTest {

    /** Commands "key:op:arg": put k=v, remove k, drop entries whose value is below n (iterator removal), clear, dump. */
    static final class MapCommands extends KeyedProcessFunction<String, String, String> {
        private transient KeyBatchedStateStore store;
        private transient MapState<String, Long> batched;
        private transient MapState<String, Long> plain;

        @Override
        public void open(OpenContext openContext) {
            store = new KeyBatchedStateStore(getRuntimeContext(), Set.of("batched"));
            batched = store.getMapState(new MapStateDescriptor<>("batched", Types.STRING, Types.LONG));
            plain = store.getMapState(new MapStateDescriptor<>("plain", Types.STRING, Types.LONG));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            try {
                String[] c = command.split(":");
                for (MapState<String, Long> m : java.util.List.of(batched, plain)) {
                    switch (c[1]) {
                        case "put" -> {
                            String[] kv = c[2].split("=");
                            m.put(kv[0], Long.parseLong(kv[1]));
                        }
                        case "remove" -> m.remove(c[2]);
                        case "below" -> {
                            Iterator<String> it = m.keys().iterator();
                            while (it.hasNext()) {
                                if (m.get(it.next()) < Long.parseLong(c[2])) {
                                    it.remove();
                                }
                            }
                        }
                        case "clear" -> m.clear();
                        case "dump" -> {
                            TreeMap<String, Long> sorted = new TreeMap<>();
                            for (Map.Entry<String, Long> e : m.entries()) {
                                sorted.put(e.getKey(), e.getValue());
                            }
                            out.collect(ctx.getCurrentKey() + (m == batched ? " batched " : " plain ") + sorted
                                    + " empty=" + m.isEmpty() + " hasA=" + m.contains("a"));
                        }
                        default -> throw new IllegalArgumentException(command);
                    }
                }
            } finally {
                store.flush();
            }
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackend backend)
            throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MapCommands()), key, Types.STRING);
        h.setStateBackend(backend);
        return h;
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void behavesAsTheMapStateItReplacesAcrossKeysCallsAndRestore(String backendName) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(backend(backendName))) {
            h.open();
            h.processElement("k1:put:a=1", 1);
            h.processElement("k2:put:a=20", 1);
            h.processElement("k1:put:b=2", 1);
            h.processElement("k1:put:c=3", 1);
            h.processElement("k1:below:3", 1);
            h.processElement("k2:put:b=21", 1);
            h.processElement("k2:remove:a", 1);
            snapshot = h.snapshot(1, 1);
            h.processElement("k1:clear:", 1); // after the checkpoint: must not be in the restored state
        }
        try (var h = harness(backend(backendName))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement("k1:dump:", 1);
            h.processElement("k2:dump:", 1);
            h.processElement("k2:remove:b", 1);
            h.processElement("k2:dump:", 1);
            assertThat(h.extractOutputValues()).containsExactly(
                    "k1 batched {c=3} empty=false hasA=false", "k1 plain {c=3} empty=false hasA=false",
                    "k2 batched {b=21} empty=false hasA=false", "k2 plain {b=21} empty=false hasA=false",
                    "k2 batched {} empty=true hasA=false", "k2 plain {} empty=true hasA=false");
            if (backendName.equals("hashmap")) { // the RocksDB harness cannot count entries
                // An emptied batched map leaves no stored value behind for its key.
                assertThat(h.numKeyedStateEntries()).isEqualTo(1 + 1); // k1's batched value, k1's plain map
            }
        }
    }
}
