package io.posmon.operators.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.MapSerializer;

/**
 * The keyed state of an operator, as the runtime context gives it, with two changes:
 *
 * <ul>
 *   <li><b>Chosen map states are batched per key.</b> Such a map is stored as one value holding
 *       the whole map of the key. It is read on first use in a call, kept in memory while the call
 *       lasts, and written back once by {@link #flush()} at the end of the call, only if it changed.
 *       This is for maps that are small per key and iterated or emptied often: on RocksDB every
 *       iteration, {@code isEmpty} and {@code clear} is a seek, and a seek slows down as deleted
 *       entries pile up. Batched here: flink-cep's per-timestamp event counter (iterated at every
 *       time advance) and the contribution operator's open days and months (iterated at every
 *       emission). Maps that grow with a key's history (the
 *       shared buffer's events and nodes, which it reads by id) stay ordinary map states: read
 *       whole, they would cost in proportion to the key's open partial matches at every event.</li>
 *   <li><b>Every state created is recorded</b>, so the pattern operator can clear the keys of a
 *       removed rule without knowing the buffer's internal state names.</li>
 * </ul>
 *
 * <p>Callers must {@link #flush()} at the end of every keyed call (element or timer), before the
 * key changes, and nothing may reach these states by key in between (the broadcast side's
 * {@code applyToKeyedState} runs between calls, when nothing is held).
 */
public final class KeyBatchedStateStore implements KeyedStateStore {

    /** Suffix of the stored value's name: the map states stored before batching had the plain names. */
    public static final String BATCHED_SUFFIX = ".by-key";

    private final RuntimeContext runtime;
    private final Set<String> batchedNames;
    private final List<StateDescriptor<?, ?>> created = new ArrayList<>();
    private final List<State> handles = new ArrayList<>();
    private final List<BatchedMapState<?, ?>> batched = new ArrayList<>();

    /** @param batchedNames the names of the map states to batch; other states are the runtime's own */
    public KeyBatchedStateStore(RuntimeContext runtime, Set<String> batchedNames) {
        this.runtime = runtime;
        this.batchedNames = Set.copyOf(batchedNames);
    }

    public List<StateDescriptor<?, ?>> created() {
        return List.copyOf(created);
    }

    /** Clears every state created here for the current key. */
    public void clearCurrentKey() {
        handles.forEach(State::clear);
    }

    /**
     * Empties, for the current key, every batched map read during this call (the others were not
     * touched since they were last written). Takes effect at {@link #flush()}.
     */
    public void clearBatchedReadInThisCall() {
        for (BatchedMapState<?, ?> m : batched) {
            if (m.map != null) {
                m.clear();
            }
        }
    }

    /** Writes back every map changed during this call and forgets them all: the next call may be another key. */
    public void flush() throws Exception {
        for (BatchedMapState<?, ?> m : batched) {
            m.flush();
        }
    }

    private <S extends State> S remember(StateDescriptor<?, ?> d, S state) {
        created.add(d);
        handles.add(state);
        return state;
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
        return remember(d, runtime.getState(d));
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
        return remember(d, runtime.getListState(d));
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
        return remember(d, runtime.getReducingState(d));
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> d) {
        return remember(d, runtime.getAggregatingState(d));
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> d) {
        if (!batchedNames.contains(d.getName())) {
            return remember(d, runtime.getMapState(d));
        }
        d.initializeSerializerUnlessSet(runtime::createSerializer);
        ValueStateDescriptor<Map<UK, UV>> whole = new ValueStateDescriptor<>(d.getName() + BATCHED_SUFFIX,
                new MapSerializer<>(d.getKeySerializer(), d.getValueSerializer()));
        BatchedMapState<UK, UV> state = new BatchedMapState<>(runtime.getState(whole));
        batched.add(state);
        remember(whole, state);
        return state;
    }

    /** A map state held as one value per key; see the class comment. */
    private static final class BatchedMapState<K, V> implements MapState<K, V> {
        private final ValueState<Map<K, V>> stored;
        private HashMap<K, V> map; // null: not read in this call
        private boolean dirty;

        BatchedMapState(ValueState<Map<K, V>> stored) {
            this.stored = stored;
        }

        private HashMap<K, V> map() throws Exception {
            if (map == null) {
                Map<K, V> value = stored.value();
                map = value == null ? new HashMap<>() : new HashMap<>(value);
                dirty = false;
            }
            return map;
        }

        private HashMap<K, V> changing() throws Exception {
            HashMap<K, V> m = map();
            dirty = true;
            return m;
        }

        public void flush() throws Exception {
            if (map != null && dirty) {
                if (map.isEmpty()) {
                    stored.clear();
                } else {
                    stored.update(map);
                }
            }
            map = null;
            dirty = false;
        }

        @Override
        public V get(K key) throws Exception {
            return map().get(key);
        }

        @Override
        public void put(K key, V value) throws Exception {
            changing().put(key, value);
        }

        @Override
        public void putAll(Map<K, V> entries) throws Exception {
            changing().putAll(entries);
        }

        @Override
        public void remove(K key) throws Exception {
            if (map().containsKey(key)) {
                changing().remove(key);
            }
        }

        @Override
        public boolean contains(K key) throws Exception {
            return map().containsKey(key);
        }

        // Iterators may remove entries, and entries may be set in place: both count as a change.

        @Override
        public Iterable<Map.Entry<K, V>> entries() throws Exception {
            return changing().entrySet();
        }

        @Override
        public Iterable<K> keys() throws Exception {
            HashMap<K, V> m = map();
            return () -> removalMarksChange(m.keySet().iterator());
        }

        @Override
        public Iterable<V> values() throws Exception {
            return changing().values();
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() throws Exception {
            return changing().entrySet().iterator();
        }

        @Override
        public boolean isEmpty() throws Exception {
            return map().isEmpty();
        }

        @Override
        public void clear() {
            map = new HashMap<>();
            dirty = true;
        }

        private <T> Iterator<T> removalMarksChange(Iterator<T> it) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public T next() {
                    return it.next();
                }

                @Override
                public void remove() {
                    it.remove();
                    dirty = true;
                }
            };
        }
    }

    // The asynchronous (v2) state API: flink-cep does not use it.

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
            org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
            org.apache.flink.api.common.state.v2.ListStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
            org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
            org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <IN, ACC, OUT> org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
            org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public String getBackendTypeIdentifier() {
        return "";
    }
}
