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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * State through the cache must behave as the state it stands for: per key, across calls, after a
 * checkpoint is restored, on both state backends, in both modes (per call under Flink's operator;
 * write-back under posmon's, with room for one key, so that every change of key writes the other
 * key back, and with room for all); and an emptied map must leave nothing stored.
 */
class KeyedStateCacheTest {

    /** The caches' clock (nanoseconds): the write window is timed by it. */
    static final java.util.concurrent.atomic.AtomicLong CLOCK = new java.util.concurrent.atomic.AtomicLong();

    /** A test function whose keyed state goes through the cache it creates in {@code open}. */
    abstract static class CachingFunction extends KeyedProcessFunction<String, String, String>
            implements StateCachingOperators.CachesKeyedState {
        transient KeyedStateCache store;

        @Override
        public KeyedStateCache stateCache() {
            return store;
        }
    }

    /**
     * Commands "key:op:arg": put k=v, remove k, drop entries whose value is below n (iterator
     * removal), clear, add n to a counter value in place (no update), dump.
     */
    static final class MapCommands extends CachingFunction {
        private final KeyedStateCache.Limits limits;
        private transient MapState<String, Long> batched;
        private transient MapState<String, Long> plain;
        private transient org.apache.flink.api.common.state.ValueState<long[]> counter;

        MapCommands(int maxKeys, int writeWindowPercent) {
            this.limits = new KeyedStateCache.Limits(maxKeys, writeWindowPercent);
        }

        @Override
        public void open(OpenContext openContext) {
            store = new KeyedStateCache(getRuntimeContext(), Set.of("batched"), Set.of(), limits, CLOCK::get);
            batched = store.getMapState(new MapStateDescriptor<>("batched", Types.STRING, Types.LONG));
            plain = store.getMapState(new MapStateDescriptor<>("plain", Types.STRING, Types.LONG));
            counter = store.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("counter",
                    org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            try {
                String[] c = command.split(":");
                if (c[1].equals("add")) {
                    long[] n = counter.value();
                    if (n == null) {
                        counter.update(new long[] {Long.parseLong(c[2])});
                    } else {
                        n[0] += Long.parseLong(c[2]); // in place, as the heap backend allows
                    }
                    return;
                }
                if (c[1].equals("count")) {
                    long[] n = counter.value();
                    out.collect(ctx.getCurrentKey() + " counter " + (n == null ? "none" : n[0]));
                    return;
                }
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
                        case "get" -> out.collect(ctx.getCurrentKey() + (m == batched ? " batched " : " plain ")
                                + c[2] + "=" + m.get(c[2]) + " has=" + m.contains(c[2]));
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
                store.endOfCall();
            }
        }
    }

    /**
     * perCall, writeBack1 (room for one key), writeBack100 (no write window), writeWindow100 (room
     * for 100, written as records pass all the time once two barriers set the interval).
     */
    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackend backend, String mode)
            throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        var operator = switch (mode) {
            case "perCall" -> new KeyedProcessOperator<>(new MapCommands(1, 0));
            case "writeBack1" -> new StateCachingOperators.Keyed<>(new MapCommands(1, 0));
            case "writeBack100" -> new StateCachingOperators.Keyed<>(new MapCommands(100, 0));
            case "writeWindow100" -> new StateCachingOperators.Keyed<>(new MapCommands(100, 100));
            case "writeWindow50" -> new StateCachingOperators.Keyed<>(new MapCommands(100, 50));
            default -> throw new IllegalArgumentException(mode);
        };
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING);
        h.setStateBackend(backend);
        return h;
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"hashmap,perCall", "rocksdb,perCall", "hashmap,writeBack1",
            "rocksdb,writeBack1", "hashmap,writeBack100", "rocksdb,writeBack100", "hashmap,writeWindow100",
            "rocksdb,writeWindow100"})
    void behavesAsTheStateItStandsForAcrossKeysCallsAndRestore(String backendName, String mode) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(backend(backendName), mode)) {
            h.open();
            // Two barriers 10 s apart, then the clock stands still past the next expected one: in the
            // writeWindow modes each key is written after its first call (as a late barrier has it).
            CLOCK.set(0);
            h.prepareSnapshotPreBarrier(10);
            CLOCK.set(10_000_000_000L);
            h.prepareSnapshotPreBarrier(11);
            CLOCK.set(25_000_000_000L);
            h.processElement("k1:add:5", 1);
            h.processElement("k2:add:7", 1);
            h.processElement("k1:add:10", 1); // changed in place: must be in the checkpoint all the same
            h.processElement("k1:put:a=1", 1);
            h.processElement("k2:put:a=20", 1);
            h.processElement("k1:put:b=2", 1);
            h.processElement("k1:put:c=3", 1);
            h.processElement("k1:below:3", 1);
            h.processElement("k2:put:b=21", 1);
            h.processElement("k2:remove:a", 1);
            h.prepareSnapshotPreBarrier(1); // as the task does before every checkpoint barrier
            snapshot = h.snapshot(1, 1);
            h.processElement("k1:clear:", 1); // after the checkpoint: must not be in the restored state
            h.processElement("k1:add:100", 1);
        }
        try (var h = harness(backend(backendName), mode)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement("k1:count:", 1);
            h.processElement("k2:count:", 1);
            h.processElement("k3:count:", 1);
            h.processElement("k2:get:b", 1); // a point read before any iteration
            h.processElement("k1:get:a", 1);
            h.processElement("k1:dump:", 1);
            h.processElement("k2:dump:", 1);
            h.processElement("k2:remove:b", 1);
            h.processElement("k2:dump:", 1);
            assertThat(h.extractOutputValues()).containsExactly("k1 counter 15", "k2 counter 7", "k3 counter none",
                    "k2 batched b=21 has=true", "k2 plain b=21 has=true", "k1 batched a=null has=false", "k1 plain a=null has=false",
                    "k1 batched {c=3} empty=false hasA=false", "k1 plain {c=3} empty=false hasA=false",
                    "k2 batched {b=21} empty=false hasA=false", "k2 plain {b=21} empty=false hasA=false",
                    "k2 batched {} empty=true hasA=false", "k2 plain {} empty=true hasA=false");
            if (backendName.equals("hashmap")) { // the RocksDB harness cannot count entries
                h.prepareSnapshotPreBarrier(2); // writes the cache back
                // An emptied batched map leaves no stored value behind for its key.
                // k1's batched value, k1's plain map, k1's and k2's counters
                assertThat(h.numKeyedStateEntries()).isEqualTo(1 + 1 + 2);
            }
        }
    }

    @Test
    void writesTheKeysChangedLongestAgoInStepWithTheTimeLeftBeforeTheNextBarrier() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new HashMapStateBackend(), "writeWindow50")) {
            h.open();
            CLOCK.set(1_000);
            h.prepareSnapshotPreBarrier(1);
            CLOCK.set(11_000);
            h.prepareSnapshotPreBarrier(2); // barriers 10,000 ns apart: the window is the last 5,000
            CLOCK.set(12_000);
            for (String key : new String[] {"k1", "k2", "k3", "k4"}) {
                h.processElement(key + ":add:5", 1);
            }
            CLOCK.set(16_000); // exactly 5,000 before the next barrier: the window is not open yet
            h.processElement("k4:add:1", 1);
            assertThat(h.numKeyedStateEntries()).as("before the window").isZero();
            CLOCK.set(18_500); // half the window left: half the 4 keys may wait
            h.processElement("k1:count:", 1);
            assertThat(h.numKeyedStateEntries()).as("k1 and k2, changed first").isEqualTo(2);
            CLOCK.set(20_000); // a fifth left: 0.8 keys may wait
            h.processElement("k2:add:1", 1); // k2, written once in this window, now waits for the barrier
            assertThat(h.numKeyedStateEntries()).as("all four").isEqualTo(4);
            CLOCK.set(21_500); // the barrier is late: a key changed is written after its call
            h.processElement("k5:add:1", 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(5);
            h.prepareSnapshotPreBarrier(3);
            snapshot = h.snapshot(3, 3);
            CLOCK.set(22_000); // the interval is now 10,500: the window opens at 26,750
            h.processElement("k6:add:1", 1);
            h.processElement("k1:count:", 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(5);
            assertThat(h.extractOutputValues()).containsExactly("k1 counter 5", "k1 counter 5");
        }
        try (var h = harness(new HashMapStateBackend(), "writeBack100")) {
            h.initializeState(snapshot);
            h.open();
            for (String key : new String[] {"k1", "k2", "k3", "k4", "k5", "k6"}) {
                h.processElement(key + ":count:", 1);
            }
            // k2's change after its write in the window reached the checkpoint through the barrier
            assertThat(h.extractOutputValues()).containsExactly("k1 counter 5", "k2 counter 6", "k3 counter 5",
                    "k4 counter 6", "k5 counter 1", "k6 counter none");
        }
    }

    /** "key:put:n" puts x=[n]; "key:bump" adds 1 to x in place (no put); "key:iterate" reads every entry; "key:show". */
    static final class InPlaceChanges extends CachingFunction {
        private final boolean changedOnlyByPut;
        private transient MapState<String, long[]> map;

        InPlaceChanges(boolean changedOnlyByPut) {
            this.changedOnlyByPut = changedOnlyByPut;
        }

        @Override
        public void open(OpenContext openContext) {
            store = new KeyedStateCache(getRuntimeContext(), Set.of(), changedOnlyByPut ? Set.of("map") : Set.of(),
                    new KeyedStateCache.Limits(100, 0), CLOCK::get);
            map = store.getMapState(new MapStateDescriptor<>("map", Types.STRING,
                    org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            String[] c = command.split(":");
            switch (c[1]) {
                case "put" -> map.put("x", new long[] {Long.parseLong(c[2])});
                case "bump" -> map.get("x")[0]++;
                case "iterate" -> map.entries().forEach(e -> { });
                case "show" -> out.collect(ctx.getCurrentKey() + " x=" + map.get("x")[0]);
                default -> throw new IllegalArgumentException(command);
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"hashmap,false,6", "rocksdb,false,6", "hashmap,true,5", "rocksdb,true,5"})
    void aMapChangedOnlyByPutWritesNothingBackForReadsAndIterations(String backendName, boolean changedOnlyByPut, long restored)
            throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new StateCachingOperators.Keyed<>(new InPlaceChanges(changedOnlyByPut)), key, Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.open();
            h.processElement("k1:put:5", 1);
            h.prepareSnapshotPreBarrier(1);
            h.processElement("k1:bump", 1); // against the promise of changedOnlyByPut: shows what is written
            h.processElement("k1:iterate", 1);
            h.prepareSnapshotPreBarrier(2);
            snapshot = h.snapshot(2, 2);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new StateCachingOperators.Keyed<>(new InPlaceChanges(changedOnlyByPut)), key, Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.initializeState(snapshot);
            h.open();
            h.processElement("k1:show", 1);
            assertThat(h.extractOutputValues()).containsExactly("k1 x=" + restored);
        }
    }

    /** What reached the backend's states, by "state.method" (put, remove, clear, update, contains...). */
    static final Map<String, Integer> BACKEND_CALLS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The runtime context, with every keyed state it hands out counting the calls made on it. */
    static org.apache.flink.api.common.functions.RuntimeContext counting(org.apache.flink.api.common.functions.RuntimeContext real) {
        ClassLoader loader = KeyedStateCacheTest.class.getClassLoader();
        return (org.apache.flink.api.common.functions.RuntimeContext) java.lang.reflect.Proxy.newProxyInstance(loader,
                new Class<?>[] {org.apache.flink.api.common.functions.RuntimeContext.class}, (proxy, method, args) -> {
                    Object state = call(method, real, args);
                    boolean value = method.getName().equals("getState");
                    if (!value && !method.getName().equals("getMapState")) {
                        return state;
                    }
                    String name = ((org.apache.flink.api.common.state.StateDescriptor<?, ?>) args[0]).getName();
                    return java.lang.reflect.Proxy.newProxyInstance(loader,
                            new Class<?>[] {value ? org.apache.flink.api.common.state.ValueState.class : MapState.class},
                            (p2, m2, a2) -> {
                                BACKEND_CALLS.merge(name + "." + m2.getName(), 1, Integer::sum);
                                return call(m2, state, a2);
                            });
                });
    }

    private static Object call(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * "key:missed:x" reads x (absent), puts it and removes it; "key:blind:x" puts x and removes it
     * without reading it first; "key:put:x"; "key:get:x"; "key:flag" sets a value state and a batched
     * map and clears them.
     */
    static final class ShortLived extends CachingFunction {
        private transient MapState<String, Long> plain;
        private transient org.apache.flink.api.common.state.ValueState<Long> flag;
        private transient MapState<String, Long> batched;

        @Override
        public void open(OpenContext openContext) {
            store = new KeyedStateCache(counting(getRuntimeContext()), Set.of("batched"), Set.of("plain", "flag", "batched"),
                    new KeyedStateCache.Limits(100, 0), CLOCK::get);
            plain = store.getMapState(new MapStateDescriptor<>("plain", Types.STRING, Types.LONG));
            flag = store.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("flag", Types.LONG));
            batched = store.getMapState(new MapStateDescriptor<>("batched", Types.STRING, Types.LONG));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            try {
                String[] c = command.split(":");
                switch (c[1]) {
                    case "missed" -> {
                        plain.get(c[2]);
                        plain.put(c[2], 1L);
                        plain.remove(c[2]);
                    }
                    case "blind" -> {
                        plain.put(c[2], 1L);
                        plain.remove(c[2]);
                    }
                    case "put" -> plain.put(c[2], 2L);
                    case "get" -> out.collect(c[2] + "=" + plain.get(c[2]));
                    case "flag" -> {
                        flag.value();
                        flag.update(1L);
                        flag.clear();
                        batched.put("a", 1L);
                        store.clear("batched");
                    }
                    default -> throw new IllegalArgumentException(command);
                }
            } finally {
                store.endOfCall();
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"hashmap,perCall", "rocksdb,perCall", "hashmap,writeBack", "rocksdb,writeBack"})
    void anEntrySetAndRemovedBetweenTwoWritesCostsTheBackendNoDelete(String backendName, String mode) throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        var operator = mode.equals("perCall") ? new KeyedProcessOperator<>(new ShortLived())
                : new StateCachingOperators.Keyed<>(new ShortLived());
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.open();
            h.processElement("k1:put:old", 1);
            h.prepareSnapshotPreBarrier(1);
            BACKEND_CALLS.clear();
            h.processElement("k1:missed:x", 1); // known absent: neither put nor removed in the backend
            h.processElement("k1:flag", 1); // a value and a batched map never stored: no clear
            h.processElement("k2:blind:y", 1); // not known: the backend is asked, and holds nothing
            h.prepareSnapshotPreBarrier(2);
            assertThat(BACKEND_CALLS).as("backend calls").doesNotContainKeys("plain.put", "plain.remove", "flag.update",
                    "flag.clear", "batched.by-key.update", "batched.by-key.clear");
            assertThat(BACKEND_CALLS).as("the batched map was read").containsKey("batched.by-key.value");
            assertThat(BACKEND_CALLS.get("plain.contains")).as("y asked for").isEqualTo(1);
            BACKEND_CALLS.clear();
            h.processElement("k3:put:z", 1);
            h.prepareSnapshotPreBarrier(3);
            h.processElement("k1:blind:old", 1); // stored before: the backend is told to delete it
            h.processElement("k3:missed:z", 1); // read, so known stored: deleted without asking
            h.prepareSnapshotPreBarrier(4);
            assertThat(BACKEND_CALLS.get("plain.remove")).as("deletes").isEqualTo(2);
            h.processElement("k1:get:old", 1);
            h.processElement("k3:get:z", 1);
            h.processElement("k2:get:y", 1);
            h.processElement("k1:get:x", 1);
            assertThat(h.extractOutputValues()).containsExactly("old=null", "z=null", "y=null", "x=null");
        }
    }

    /** "key:put:k" puts k=1; "key:has:k" says whether k is there; "key:drop:k" removes k; a map read whole at first use. */
    static final class ReadWhole extends CachingFunction {
        private transient MapState<String, Long> ids;

        @Override
        public void open(OpenContext openContext) {
            store = new KeyedStateCache(counting(getRuntimeContext()), Set.of(), Set.of("ids"),
                    new KeyedStateCache.Limits(100, 0), CLOCK::get).readWholeAtFirstUse("ids");
            ids = store.getMapState(new MapStateDescriptor<>("ids", Types.STRING, Types.LONG));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            try {
                String[] c = command.split(":");
                switch (c[1]) {
                    case "put" -> ids.put(c[2], 1L);
                    case "drop" -> ids.remove(c[2]);
                    case "has" -> out.collect(ctx.getCurrentKey() + " " + c[2] + "=" + ids.contains(c[2]));
                    default -> throw new IllegalArgumentException(command);
                }
            } finally {
                store.endOfCall();
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hashmap", "rocksdb"})
    void aMapReadWholeAtFirstUseAsksTheBackendOncePerKeyAndMissesNothing(String backendName) throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new StateCachingOperators.Keyed<>(new ReadWhole()), key,
                Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.open();
            h.processElement("k1:put:a", 1);
            h.processElement("k1:put:b", 1);
            h.processElement("k2:put:c", 1);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new StateCachingOperators.Keyed<>(new ReadWhole()), key,
                Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.initializeState(snapshot);
            h.open();
            BACKEND_CALLS.clear();
            for (String id : new String[] {"x", "a", "y", "b", "c"}) {
                h.processElement("k1:has:" + id, 1);
            }
            h.processElement("k1:drop:a", 1);
            h.processElement("k1:put:x", 1);
            h.processElement("k2:has:c", 1);
            h.processElement("k3:has:c", 1);
            assertThat(BACKEND_CALLS).as("no point reads").doesNotContainKeys("ids.get", "ids.contains");
            assertThat(BACKEND_CALLS.get("ids.entries")).as("one read of each key's entries").isEqualTo(3);
            h.prepareSnapshotPreBarrier(2);
            snapshot = h.snapshot(2, 2);
            assertThat(h.extractOutputValues()).containsExactly("k1 x=false", "k1 a=true", "k1 y=false", "k1 b=true",
                    "k1 c=false", "k2 c=true", "k3 c=false");
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new StateCachingOperators.Keyed<>(new ReadWhole()), key,
                Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.initializeState(snapshot);
            h.open();
            for (String id : new String[] {"a", "b", "x"}) {
                h.processElement("k1:has:" + id, 1);
            }
            assertThat(h.extractOutputValues()).containsExactly("k1 a=false", "k1 b=true", "k1 x=true");
        }
    }

    /** "key:add:n" adds n to the key's counter (through update); the function keeps each key's cache entry. */
    static final class KeptEntries extends CachingFunction {
        final Map<String, KeyedStateCache.Entry> kept = new java.util.HashMap<>();
        transient org.apache.flink.api.common.state.ValueState<Long> counter;

        @Override
        public void open(OpenContext openContext) {
            store = new KeyedStateCache(getRuntimeContext(), Set.of(), Set.of(), new KeyedStateCache.Limits(2, 0), CLOCK::get);
            counter = store.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("counter", Types.LONG));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            Long n = counter.value();
            counter.update((n == null ? 0 : n) + Long.parseLong(command.split(":")[2]));
            kept.put(ctx.getCurrentKey(), store.currentEntry());
        }
    }

    /**
     * An operator coming back to a key with the entry it kept (a scheduled emission) uses it while
     * the key is cached, and not once the key has left the cache: its states are then read again.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hashmap", "rocksdb"})
    void aKeptEntryIsResumedWhileCachedAndNotOnceItHasLeft(String backendName) throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        KeptEntries function = new KeptEntries();
        var operator = new StateCachingOperators.Keyed<>(function);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING)) {
            h.setStateBackend(backend(backendName));
            h.open();
            h.processElement("a:add:1", 1);
            h.processElement("b:add:2", 1);
            KeyedStateCache.Entry a = function.kept.get("a");
            assertThat(a.key()).isEqualTo("a");

            operator.setCurrentKey("a");
            assertThat(function.store.resume(a)).as("a is cached").isTrue();
            assertThat(function.counter.value()).isEqualTo(1L);
            function.counter.update(10L);
            assertThat(function.store.currentEntry()).isSameAs(a);
            operator.setCurrentKey("b");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> function.store.resume(a)))
                    .as("an entry is resumed only for its own key").isInstanceOf(IllegalStateException.class);

            h.processElement("c:add:3", 1); // room for two keys: a, used longest ago, leaves (written back)
            operator.setCurrentKey("a");
            assertThat(function.store.resume(a)).as("a has left the cache").isFalse();
            assertThat(function.counter.value()).as("read again from the backend").isEqualTo(10L);
            assertThat(function.store.currentEntry()).isNotSameAs(a);
        }
    }
}
