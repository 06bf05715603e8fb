package io.posmon.operators.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * The keyed state of an operator, kept in memory for the keys it used last and written to the state
 * backend (RocksDB) only before each checkpoint barrier, when a key leaves the cache, or at the end
 * of each call when no operator drives the cache. On RocksDB every read is a JNI call and a
 * deserialization, every write a serialization: a merchant seen twice between two checkpoints
 * (every 10 s) is then read once and written once instead of at every transaction. The backend
 * stays the state of record: what a checkpoint holds is exactly what the operator had when the
 * barrier passed, and a restored job starts with an empty cache.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>Write-back</b>, under {@link StateCachingOperators}: the operator binds its key context
 *       ({@link #bind}) and calls {@link #beforeBarrier()} in {@code prepareSnapshotPreBarrier}, where
 *       no record is being processed. Up to {@code keys} keys stay in memory, the least recently used
 *       leaving first (written under their own key, then the current key is set back). Writing every
 *       changed key at the barrier holds records back for as long as that takes (about a second for
 *       50,000 keys on RocksDB here), so the operator also calls {@link #writeBehind()} after each
 *       record and timer: in the last {@code writeWindowPercent} of the time between two barriers,
 *       the keys changed longest ago are written, at a pace that leaves next to none for the barrier.
 *       A key is written so at most once an interval: changed again after that (a busy merchant), it
 *       waits for the barrier, which then writes only what changed since. The window is a trade of
 *       some more work (a value state read again is written twice) for a shorter pause.</li>
 *   <li><b>Per call</b>, under Flink's own operators (the process-function test harnesses): one key at
 *       a time, written back by {@link #endOfCall()}.</li>
 * </ul>
 *
 * <p>A value read is taken as changed, because callers may change state objects in place (as the heap
 * state backend allows): every state a key read or wrote since the last flush is written at the next,
 * but for the states named {@code changedOnlyByUpdate}, whose callers promise to change them only
 * through {@code update} and {@code put} (as code written for RocksDB must): those are written only
 * when set. A key only read has nothing to write and is not counted as changed. As on RocksDB, an
 * object read in one call must be read again before it is changed in a later one: the key may have
 * been written in between.
 * A map state is read entry by entry as entries are asked for (misses are remembered too), and whole
 * only when it is iterated or tested for emptiness; only its entries that were written, read or
 * removed are written back. What the backend is known not to hold costs it nothing: an entry set
 * after a read that missed and removed again before the next write (a pattern candidate queued and
 * done within one interval) is neither put nor deleted, nor is a value never stored cleared; an
 * entry set and removed without a read is deleted only if the backend has it. On RocksDB every
 * delete is a tombstone that the checkpoint's flush, compactions and iterations go through.
 * Map states named in {@code batchedNames} are
 * stored as one value per key ({@link #BATCHED_SUFFIX}): maps that are small per key and iterated or
 * emptied often, for which every RocksDB iteration would be a seek past deleted entries.
 *
 * <p>Every state created is recorded ({@link #created()}), so that an operator can clear the state of
 * a removed rule with {@code applyToKeyedState}; {@link #flushAll()} and {@link #forgetAll()} first.
 */
public final class KeyedStateCache implements KeyedStateStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyedStateCache.class);

    /** Suffix of a batched map's stored value: the same maps stored entry by entry had the plain names. */
    public static final String BATCHED_SUFFIX = ".by-key";

    private final RuntimeContext runtime;
    private final Set<String> batchedNames;
    private final Set<String> changedOnlyByUpdate;
    /** Map states read whole at a key's first use (see {@link #readWholeAtFirstUse}). */
    private final Set<String> readWhole = new java.util.HashSet<>();
    private final int maxKeys;
    private final int writeWindowPercent;
    private final java.util.function.LongSupplier clock;
    /** When the last barrier passed (the clock's nanoseconds), and the time between the last two; 0 until two have passed. */
    private boolean barrierSeen;
    private long lastBarrier;
    private long barrierInterval;
    /** Keys changed and unwritten when this interval's write window opened; -1 before it opens. */
    private int dirtyAtWindowStart = -1;
    /** The keys changed since they were last written, the one changed longest ago first... */
    private final ChangedKeys dirty = new ChangedKeys();
    /** ...but for those already written once in this interval's window: they wait for the barrier. */
    private final ChangedKeys dirtyAgain = new ChangedKeys();
    /** Counts barriers: which interval a key was last written early in. */
    private int barriers = 1;
    private final List<StateDescriptor<?, ?>> created = new ArrayList<>();
    private final List<Cached> states = new ArrayList<>();
    private final Map<String, Cached> byName = new HashMap<>();
    private final LinkedHashMap<Object, Entry> entries;
    private KeyContext keys;
    /** Whether a written value must be a copy: the heap backend keeps the object itself and snapshots it asynchronously. */
    private boolean copyOnWrite;
    private Entry last;

    /** The key of per-call mode: one key at a time, whichever it is. */
    private static final Object CALL = new Object();

    /**
     * How many keys a cache keeps in write-back mode, and in which last part of the time between two
     * checkpoint barriers (percent) it writes changed keys as records pass (0: only at the barrier).
     */
    public record Limits(int keys, int writeWindowPercent) implements java.io.Serializable {
        public Limits {
            if (keys < 1 || writeWindowPercent < 0 || writeWindowPercent > 100) {
                throw new IllegalArgumentException("a state cache holds at least one key, and writes in 0-100% of an interval");
            }
        }
    }

    /**
     * @param batchedNames        the map states stored as one value per key
     * @param changedOnlyByUpdate the states whose values the callers change only through {@code update}
     *                            or {@code put}, never in place, as code written for RocksDB does
     *                            (flink-cep's): reading or iterating them writes nothing back
     */
    public KeyedStateCache(RuntimeContext runtime, Set<String> batchedNames, Set<String> changedOnlyByUpdate, Limits limits) {
        this(runtime, batchedNames, changedOnlyByUpdate, limits, System::nanoTime);
    }

    /** @param clock nanoseconds, for the write window (tests pass their own) */
    public KeyedStateCache(RuntimeContext runtime, Set<String> batchedNames, Set<String> changedOnlyByUpdate, Limits limits,
                           java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.runtime = runtime;
        this.batchedNames = Set.copyOf(batchedNames);
        this.changedOnlyByUpdate = Set.copyOf(changedOnlyByUpdate);
        this.maxKeys = limits.keys();
        this.writeWindowPercent = limits.writeWindowPercent();
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * Write-back mode: the operator's key context, used to write a key that is not the current one.
     *
     * @param heapBackend the backend keeps state objects on the heap (a copy is written, so that the
     *                    cached object can go on changing while a snapshot of the backend is written)
     */
    public void bind(KeyContext operatorKeys, boolean heapBackend) {
        this.keys = operatorKeys;
        this.copyOnWrite = heapBackend;
    }

    /**
     * Map states (stored entry by entry) to read whole when a key first uses them, instead of entry
     * by entry: for maps asked mostly for entries they do not hold, such as the dedupe ids, asked
     * for every new transaction's id. Read entry by entry, each of those asks is a backend read
     * that misses (on RocksDB a JNI call, a key serialized, a bloom filter probe); read whole, a
     * key costs one prefix scan while it stays cached, and the misses cost nothing. Meant for
     * write-back mode: in per-call mode every call would read the whole map. Call before the
     * states are created.
     */
    public KeyedStateCache readWholeAtFirstUse(String... names) {
        for (String name : names) {
            if (byName.containsKey(name)) {
                throw new IllegalStateException("state " + name + " is already created");
            }
            readWhole.add(name);
        }
        return this;
    }

    /** Descriptors of the states in the backend, for {@code applyToKeyedState}. */
    public List<StateDescriptor<?, ?>> created() {
        return List.copyOf(created);
    }

    /** Clears every state created here for the current key. */
    public void clearCurrentKey() throws Exception {
        Entry e = current();
        for (Cached s : states) {
            s.clearIn(e);
        }
    }

    /** Clears one state, by the name it was created with, for the current key. */
    public void clear(String name) throws Exception {
        Cached s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no state named " + name);
        }
        s.clearIn(current());
    }

    /** The end of a call (element or timer): in per-call mode the key is written back and forgotten. */
    public void endOfCall() throws Exception {
        if (keys == null && last != null) {
            flush(last);
            dirty.clear();
            dirtyAgain.clear();
            leave(last);
            entries.clear();
            last = null;
        }
    }

    /**
     * After a record or a timer, in write-back mode: in the write window before the next barrier
     * (expected one interval after the last), writes the keys changed longest ago and not yet written
     * in this window, so that the count left falls in step with the time left. Never during a call,
     * when a caller may still change a state object it read.
     */
    public void writeBehind() throws Exception {
        if (keys == null || barrierInterval == 0 || writeWindowPercent == 0 || dirty.isEmpty()) {
            return;
        }
        long untilBarrier = lastBarrier + barrierInterval - clock.getAsLong();
        long window = barrierInterval / 100 * writeWindowPercent;
        if (untilBarrier >= window) {
            return;
        }
        if (dirtyAtWindowStart < 0) {
            dirtyAtWindowStart = dirty.size();
        }
        // A barrier later than expected (backpressure): each key changed is written after its call, once.
        int left = untilBarrier <= 0 ? 0 : (int) ((double) dirtyAtWindowStart * untilBarrier / window);
        writeOldestDownTo(left);
    }

    /** Before a checkpoint barrier: writes every changed key, and takes the time since the last barrier. */
    public void beforeBarrier() throws Exception {
        long now = clock.getAsLong();
        if (barrierSeen) {
            barrierInterval = Math.max(1, now - lastBarrier);
        }
        barrierSeen = true;
        lastBarrier = now;
        dirtyAtWindowStart = -1;
        barriers++;
        if (!LOG.isDebugEnabled()) {
            flushAll();
            return;
        }
        // What the records wait for at each checkpoint (see the README's Performance section).
        int waiting = dirty.size() + dirtyAgain.size();
        long start = System.nanoTime();
        flushAll();
        LOG.debug("{}: wrote {} changed keys of {} cached before the barrier in {} ms",
                runtime.getTaskInfo().getTaskNameWithSubtasks(), waiting, entries.size(), (System.nanoTime() - start) / 1_000_000);
    }

    private void writeOldestDownTo(int left) throws Exception {
        if (dirty.size() <= left) {
            return;
        }
        Object current = keys.getCurrentKey();
        while (dirty.size() > left) {
            Entry e = dirty.first();
            keys.setCurrentKey(e.key);
            flush(e);
            e.writtenEarlyIn = barriers;
        }
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Writes every key changed since the last flush to the backend; the keys stay cached, clean. */
    public void flushAll() throws Exception {
        if (keys == null) {
            endOfCall();
            return;
        }
        if (dirty.isEmpty() && dirtyAgain.isEmpty()) {
            return;
        }
        Object current = keys.getCurrentKey();
        for (ChangedKeys changed : List.of(dirty, dirtyAgain)) {
            while (!changed.isEmpty()) {
                Entry e = changed.first();
                keys.setCurrentKey(e.key);
                flush(e);
            }
        }
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Drops every cached key without writing it: after {@link #flushAll()}, before the backend's state is changed directly. */
    public void forgetAll() {
        // An iterator of a map state still open (misused) must not mark a forgotten key changed again.
        for (Entry e : entries.values()) {
            e.forgotten = true;
            leave(e);
        }
        entries.clear();
        dirty.clear();
        dirtyAgain.clear();
        last = null;
    }

    /** Writes the key's cells; it is no longer changed. */
    private void flush(Entry e) throws Exception {
        for (int i = 0; i < e.cells.length; i++) {
            if (e.cells[i] != null) {
                states.get(i).write(e.cells[i]);
            }
        }
        if (e.changedIn != null) {
            e.changedIn.remove(e);
        }
    }

    /**
     * The current key's entry, for an operator that comes back to the key later (a scheduled
     * emission) without looking it up among the cached keys again: see {@link #resume}.
     */
    public Entry currentEntry() throws Exception {
        return current();
    }

    /**
     * Makes {@code entry} the cache's current entry, without a lookup, when the operator has just
     * set its key as the current key again and the entry is still cached; the entry keeps its place
     * in the eviction order. An entry that has left the cache is not used: the next state access
     * looks the key up (and reads it from the backend if it is not cached any more).
     *
     * @return whether the entry was still cached
     */
    public boolean resume(Entry entry) {
        if (entry.left) {
            return false;
        }
        Object key = keys == null ? CALL : keys.getCurrentKey();
        if (entry.key != key && !entry.key.equals(key)) {
            throw new IllegalStateException("resumed the entry of " + entry.key + " while the current key is " + key);
        }
        last = entry;
        return true;
    }

    /** The current key's entry, created (and another key evicted) on its first use. */
    private Entry current() throws Exception {
        Object key = keys == null ? CALL : keys.getCurrentKey();
        Entry e = last;
        if (e == null || (e.key != key && !e.key.equals(key))) {
            e = entries.get(key);
            if (e == null) {
                e = new Entry(key, states.size());
                entries.put(key, e);
                if (entries.size() > maxKeys) {
                    evictEldest(key);
                }
            }
            last = e;
        }
        // A state created after this entry (a check opened for a new rule set) gets its cell here.
        if (e.cells.length < states.size()) {
            e.cells = java.util.Arrays.copyOf(e.cells, states.size());
        }
        return e;
    }

    private void evictEldest(Object current) throws Exception {
        Iterator<Entry> it = entries.values().iterator();
        Entry eldest = it.next();
        it.remove();
        if (eldest.changedIn != null) {
            keys.setCurrentKey(eldest.key);
            try {
                flush(eldest);
            } finally {
                keys.setCurrentKey(current);
            }
        }
        leave(eldest);
    }

    private static final Object[] NO_CELLS = new Object[0];

    /**
     * The entry is no longer the key's place in the cache. Its state objects are let go: an operator
     * may keep the entry (a schedule, up to a month ahead for a period's closing), and must not keep
     * the key's state alive with it.
     */
    private static void leave(Entry e) {
        e.left = true;
        e.cells = NO_CELLS;
    }

    private <S extends Cached> S register(StateDescriptor<?, ?> d, S state) {
        created.add(d);
        states.add(state);
        byName.put(d.getName(), state);
        return state;
    }

    /** A state asked for again (a check reopened for a new rule set) is the one already created: one cache cell per state. */
    @SuppressWarnings("unchecked")
    private <S> S existing(StateDescriptor<?, ?> d, Class<S> kind) {
        Cached s = byName.get(d.getName());
        if (s == null) {
            return null;
        }
        if (!kind.isInstance(s)) {
            throw new IllegalArgumentException("state " + d.getName() + " was created before as another kind of state");
        }
        return (S) s;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
        ValueState<T> again = existing(d, CachedValue.class);
        if (again != null) {
            return again;
        }
        ValueState<T> backend = runtime.getState(d);
        return register(d, new CachedValue<>(states.size(), d, backend, !changedOnlyByUpdate.contains(d.getName())));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> d) {
        MapState<UK, UV> again = existing(d, CachedMap.class);
        if (again != null) {
            return again;
        }
        boolean readsMayChange = !changedOnlyByUpdate.contains(d.getName());
        if (!batchedNames.contains(d.getName())) {
            MapState<UK, UV> backend = runtime.getMapState(d);
            return register(d, new CachedMap<>(states.size(), d, backend, readsMayChange, readWhole.contains(d.getName())));
        }
        d.initializeSerializerUnlessSet(runtime::createSerializer);
        ValueStateDescriptor<Map<UK, UV>> whole = new ValueStateDescriptor<>(d.getName() + BATCHED_SUFFIX,
                new MapSerializer<>(d.getKeySerializer(), d.getValueSerializer()));
        CachedMap<UK, UV> state = new CachedMap<>(states.size(), d, runtime.getState(whole), readsMayChange);
        created.add(whole);
        states.add(state);
        byName.put(d.getName(), state);
        return state;
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
        throw new UnsupportedOperationException("list state is not cached; use the runtime context's");
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
        throw new UnsupportedOperationException("reducing state is not cached; use the runtime context's");
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> d) {
        throw new UnsupportedOperationException("aggregating state is not cached; use the runtime context's");
    }

    private void changed(Entry e) {
        if (e.changedIn == null && !e.forgotten) {
            (e.writtenEarlyIn == barriers ? dirtyAgain : dirty).add(e);
        }
    }

    /**
     * Keys changed and not yet written, in the order they were first changed. The links are fields
     * of the entries themselves: a key marked changed allocates nothing (a set's node per key and
     * interval was garbage that lived until the next checkpoint, and a hash to compute).
     */
    private static final class ChangedKeys {
        private Entry head;
        private Entry tail;
        private int size;

        void add(Entry e) {
            e.changedIn = this;
            e.previousChanged = tail;
            e.nextChanged = null;
            if (tail == null) {
                head = e;
            } else {
                tail.nextChanged = e;
            }
            tail = e;
            size++;
        }

        void remove(Entry e) {
            if (e.previousChanged == null) {
                head = e.nextChanged;
            } else {
                e.previousChanged.nextChanged = e.nextChanged;
            }
            if (e.nextChanged == null) {
                tail = e.previousChanged;
            } else {
                e.nextChanged.previousChanged = e.previousChanged;
            }
            e.changedIn = null;
            e.previousChanged = null;
            e.nextChanged = null;
            size--;
        }

        /** The key changed longest ago, or null. */
        Entry first() {
            return head;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void clear() {
            while (head != null) {
                remove(head);
            }
        }
    }

    /**
     * One key's cached states, by the index of each state; equal only to itself. An operator may keep
     * one to come back to its key ({@link #resume}), and its own notes on the key in {@link #tag}.
     */
    public static final class Entry {
        private final Object key;
        private Object[] cells;
        /** The list of changed keys this key is in, null while it has nothing to write. */
        private ChangedKeys changedIn;
        private Entry previousChanged;
        private Entry nextChanged;
        private int writtenEarlyIn;
        /** Dropped by {@link #forgetAll()}: never written again. */
        private boolean forgotten;
        /** No longer in the cache (evicted, forgotten, or at the end of a call): the key's states are looked up again. */
        private boolean left;
        /**
         * The operator's own notes on the key (what it has scheduled for it), kept for as long as the
         * key stays cached and lost with the entry: an operator must not need them to be correct.
         */
        public Object tag;

        private Entry(Object key, int states) {
            this.key = key;
            this.cells = new Object[Math.max(states, 1)];
        }

        public Object key() {
            return key;
        }
    }

    /** A state created here: reads its backend on a key's first use, and writes a cell back. */
    private abstract class Cached {
        final int index;

        Cached(int index) {
            this.index = index;
        }

        /**
         * This state's cell in the current key's entry, loaded from the backend on first use. A read
         * does not make the key changed: the callers of {@link #changedCurrent} say what does.
         */
        @SuppressWarnings("unchecked")
        <C> C cell() throws Exception {
            Entry e = current();
            Object c = e.cells[index];
            if (c == null) {
                c = load();
                e.cells[index] = c;
            }
            return (C) c;
        }

        /** The current key has something to write (a cell set, or read with {@code readsMayChange}). */
        void changedCurrent() throws Exception {
            changed(current());
        }

        void clearIn(Entry e) throws Exception {
            e.cells[index] = cleared(e.cells[index]);
            changed(e);
        }

        abstract Object load() throws Exception;

        /** An empty cell to replace {@code before} (null when the state was not loaded for the key). */
        abstract Object cleared(Object before);

        abstract void write(Object cell) throws Exception;
    }

    private static final class ValueCell<T> {
        T value;
        boolean touched;
        /** The backend may hold a value for the key: a clear of a value it never had writes nothing. */
        boolean inBackend;
    }

    private final class CachedValue<T> extends Cached implements ValueState<T> {
        private final ValueState<T> backend;
        private final ValueStateDescriptor<T> descriptor;

        /** A value read may be changed in place by the caller, so it is written back. */
        private final boolean readsMayChange;

        CachedValue(int index, ValueStateDescriptor<T> descriptor, ValueState<T> backend, boolean readsMayChange) {
            super(index);
            this.readsMayChange = readsMayChange;
            this.backend = backend;
            this.descriptor = descriptor;
        }

        @Override
        Object load() throws Exception {
            ValueCell<T> c = new ValueCell<>();
            c.value = backend.value();
            c.inBackend = c.value != null;
            return c;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object cleared(Object before) {
            ValueCell<T> c = new ValueCell<>();
            c.touched = true;
            c.inBackend = before == null || ((ValueCell<T>) before).inBackend; // not known: cleared without a read
            return c;
        }

        @Override
        @SuppressWarnings("unchecked")
        void write(Object cell) throws Exception {
            ValueCell<T> c = (ValueCell<T>) cell;
            if (!c.touched) {
                return;
            }
            if (c.value == null) {
                if (c.inBackend) {
                    backend.clear();
                }
            } else {
                backend.update(copyOnWrite ? descriptor.getSerializer().copy(c.value) : c.value);
            }
            c.inBackend = c.value != null;
            c.touched = false;
        }

        private ValueCell<T> valueCell() throws java.io.IOException {
            try {
                return cell();
            } catch (java.io.IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException(e);
            }
        }

        @Override
        public T value() throws java.io.IOException {
            ValueCell<T> c = valueCell();
            // A value read may be changed in place: written back like one that was set.
            if (readsMayChange && c.value != null) {
                c.touched = true;
                changedCurrentKey();
            }
            return c.value;
        }

        @Override
        public void update(T value) throws java.io.IOException {
            ValueCell<T> c = valueCell();
            c.value = value;
            c.touched = true;
            changedCurrentKey();
        }

        private void changedCurrentKey() throws java.io.IOException {
            try {
                changedCurrent();
            } catch (java.io.IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException(e);
            }
        }

        @Override
        public void clear() {
            try {
                update(null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * One entry of a map state's cell: its value when present (null when absent or removed here),
     * and what the backend must be told of it at the next write. One object per entry, so that a
     * call on the map is one hash lookup (there were seven sets of keys, each asked in turn).
     */
    private static final class MapSlot<K, V> implements Map.Entry<K, V> {
        final K key;
        V value;
        /** Read from the backend and not there; meaningful until the cell is complete. */
        boolean absent;
        /** To be put at the next write. */
        boolean written;
        /** To be deleted at the next write. */
        boolean removed;
        /**
         * Set here, and the backend is known not to hold it (set after a read that missed, or in a
         * map known whole), not yet written: removed again before the next write (a pattern candidate
         * queued and done within one checkpoint interval), it costs the backend nothing, not a put
         * and then a delete. On RocksDB a delete is a tombstone that every later flush, compaction
         * and iteration of the key goes through.
         */
        boolean unstored;
        /** Set here without knowing whether the backend holds it, not yet written. */
        boolean setBlind;
        /** Removed after a blind set: deleted only if the backend turns out to hold it. */
        boolean removedUnsure;
        /** In the cell's list of slots to visit at the next write. */
        boolean pending;

        MapSlot(K key) {
            this.key = key;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public V setValue(V v) {
            if (v == null || value == null) {
                throw new UnsupportedOperationException("an entry is removed through its map or iterator");
            }
            V before = value;
            value = v;
            return before;
        }
    }

    /**
     * A map state's entries for one key: those known so far (all of them once {@code complete}),
     * those known to be absent, and which ones the backend must be told of.
     */
    private static final class MapCell<K, V> {
        final HashMap<K, MapSlot<K, V>> slots = new HashMap<>();
        /** The slots with something to tell the backend, or to drop, at the next write. */
        final ArrayList<MapSlot<K, V>> pending = new ArrayList<>();
        /** Slots with a value. */
        int present;
        boolean complete;
        boolean cleared;
        /** A batched map: the backend may hold a value for the key (a clear of none writes nothing). */
        boolean wholeInBackend;

        MapSlot<K, V> slot(K key) {
            MapSlot<K, V> s = slots.get(key);
            if (s == null) {
                s = new MapSlot<>(key);
                slots.put(key, s);
            }
            return s;
        }

        void set(MapSlot<K, V> s, V v) {
            if (s.value == null) {
                present++;
            }
            s.value = v;
        }

        void unset(MapSlot<K, V> s) {
            if (s.value != null) {
                present--;
            }
            s.value = null;
        }

        void touch(MapSlot<K, V> s) {
            if (!s.pending) {
                s.pending = true;
                pending.add(s);
            }
        }

        /** Records a removal for the backend, unless the backend is known not to hold the entry. */
        void removed(MapSlot<K, V> s) {
            unset(s);
            s.written = false;
            touch(s);
            if (s.unstored) {
                s.unstored = false;
                return;
            }
            s.removed = true;
            if (s.setBlind) {
                s.setBlind = false;
                s.removedUnsure = true;
            }
        }

        /** After a write: nothing is owed to the backend; a slot that says nothing any more goes. */
        void written() {
            for (MapSlot<K, V> s : pending) {
                s.written = false;
                s.removed = false;
                s.unstored = false;
                s.setBlind = false;
                s.removedUnsure = false;
                s.pending = false;
                if (s.value == null && !s.absent) {
                    slots.remove(s.key);
                }
            }
            pending.clear();
            cleared = false;
        }
    }

    private final class CachedMap<K, V> extends Cached implements MapState<K, V> {
        /** A value read may be changed in place by the caller, so it is written back. */
        final boolean readsMayChange;
        /** Stored entry by entry, but read whole at a key's first use. */
        private final boolean readWhole;
        private final MapState<K, V> entryBackend; // stored entry by entry, or
        private final ValueState<Map<K, V>> wholeBackend; // stored as one value per key
        private final org.apache.flink.api.common.typeutils.TypeSerializer<K> keySerializer;
        private final org.apache.flink.api.common.typeutils.TypeSerializer<V> valueSerializer;

        CachedMap(int index, MapStateDescriptor<K, V> d, MapState<K, V> backend, boolean readsMayChange, boolean readWhole) {
            super(index);
            this.readsMayChange = readsMayChange;
            this.readWhole = readWhole;
            this.entryBackend = backend;
            this.wholeBackend = null;
            this.keySerializer = d.getKeySerializer();
            this.valueSerializer = d.getValueSerializer();
        }

        CachedMap(int index, MapStateDescriptor<K, V> d, ValueState<Map<K, V>> backend, boolean readsMayChange) {
            super(index);
            this.readsMayChange = readsMayChange;
            this.readWhole = false; // a batched map is one value: read whole anyway
            this.entryBackend = null;
            this.wholeBackend = backend;
            this.keySerializer = d.getKeySerializer();
            this.valueSerializer = d.getValueSerializer();
        }

        private V stored(V v) {
            return copyOnWrite ? valueSerializer.copy(v) : v;
        }

        /**
         * A batched map is read whole (one value). A map stored entry by entry is read entry by entry
         * as entries are asked for (a point read; on RocksDB a bloom filter answers most misses), and
         * whole only when it is iterated or tested for emptiness: an iteration is a seek, dearer than
         * the point reads of a key that is new or seen once or twice between checkpoints.
         */
        @Override
        Object load() throws Exception {
            MapCell<K, V> c = new MapCell<>();
            if (wholeBackend != null) {
                Map<K, V> stored = wholeBackend.value();
                if (stored != null) {
                    stored.forEach((k, v) -> c.set(c.slot(k), v));
                }
                c.wholeInBackend = stored != null;
                c.complete = true;
            } else if (readWhole) {
                for (Map.Entry<K, V> e : entryBackend.entries()) {
                    c.set(c.slot(e.getKey()), e.getValue());
                }
                c.complete = true;
            }
            return c;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object cleared(Object before) {
            MapCell<K, V> c = new MapCell<>();
            c.cleared = true;
            c.complete = true;
            c.wholeInBackend = before == null || ((MapCell<K, V>) before).wholeInBackend; // not known: cleared without a read
            return c;
        }

        /** Makes the cell hold every entry: the backend's, less those removed here, with those set here. */
        private MapCell<K, V> whole() throws Exception {
            MapCell<K, V> c = map();
            if (!c.complete) {
                for (Map.Entry<K, V> e : entryBackend.entries()) {
                    MapSlot<K, V> s = c.slot(e.getKey());
                    if (!s.removed && s.value == null) {
                        c.set(s, e.getValue());
                    }
                }
                // Known absences say nothing once the map is whole.
                Iterator<MapSlot<K, V>> it = c.slots.values().iterator();
                while (it.hasNext()) {
                    MapSlot<K, V> s = it.next();
                    s.absent = false;
                    if (s.value == null && !s.pending) {
                        it.remove();
                    }
                }
                c.complete = true;
            }
            return c;
        }

        /** The entry's slot, read from the backend the first time it is asked for; null when absent from a complete map. */
        private MapSlot<K, V> lookUp(MapCell<K, V> c, K key) throws Exception {
            MapSlot<K, V> s = c.slots.get(key);
            if (s == null && c.complete) {
                return null;
            }
            if (s != null && (s.value != null || c.complete || s.absent || s.removed)) {
                return s;
            }
            V v = entryBackend.get(key);
            if (s == null) {
                s = new MapSlot<>(key);
                c.slots.put(key, s);
            }
            if (v == null) {
                s.absent = true;
            } else {
                c.set(s, v);
            }
            return s;
        }

        @Override
        @SuppressWarnings("unchecked")
        void write(Object cell) throws Exception {
            MapCell<K, V> c = (MapCell<K, V>) cell;
            if (wholeBackend != null) {
                boolean changed = c.cleared;
                for (int i = 0; i < c.pending.size() && !changed; i++) {
                    changed = c.pending.get(i).written || c.pending.get(i).removed;
                }
                if (changed) {
                    if (c.present == 0) {
                        if (c.wholeInBackend) {
                            wholeBackend.clear();
                        }
                    } else {
                        HashMap<K, V> copy = new HashMap<>(c.present * 2);
                        for (MapSlot<K, V> s : c.slots.values()) {
                            if (s.value != null) {
                                copy.put(copyOnWrite ? keySerializer.copy(s.key) : s.key, stored(s.value));
                            }
                        }
                        wholeBackend.update(copy);
                    }
                    c.wholeInBackend = c.present > 0;
                }
            } else {
                if (c.cleared) {
                    entryBackend.clear();
                }
                // A slot is either written or removed (put and remove undo each other's mark).
                for (MapSlot<K, V> s : c.pending) {
                    if (s.removed && !c.cleared && (!s.removedUnsure || entryBackend.contains(s.key))) {
                        entryBackend.remove(s.key);
                    }
                    if (s.written && s.value != null) {
                        entryBackend.put(s.key, stored(s.value));
                    }
                }
            }
            c.written();
        }

        private MapCell<K, V> map() throws Exception {
            return cell();
        }

        @Override
        public V get(K key) throws Exception {
            MapCell<K, V> c = map();
            MapSlot<K, V> s = lookUp(c, key);
            V v = s == null ? null : s.value;
            if (v != null && readsMayChange) {
                s.written = true; // may be changed in place
                c.touch(s);
                changedCurrent();
            }
            return v;
        }

        @Override
        public void put(K key, V value) throws Exception {
            if (value == null) {
                remove(key);
                return;
            }
            MapCell<K, V> c = map();
            MapSlot<K, V> s = c.slot(key);
            if (s.value == null) {
                if (s.removed) {
                    // The backend holds it, or may (removed blind): this put overwrites it.
                    s.removed = false;
                    if (s.removedUnsure) {
                        s.removedUnsure = false;
                        s.setBlind = true;
                    }
                } else if (c.complete || s.absent) {
                    s.unstored = true;
                } else {
                    s.setBlind = true;
                }
            }
            c.set(s, value);
            s.absent = false;
            s.written = true;
            c.touch(s);
            changedCurrent();
        }

        @Override
        public void putAll(Map<K, V> all) throws Exception {
            for (Map.Entry<K, V> e : all.entrySet()) {
                put(e.getKey(), e.getValue());
            }
        }

        @Override
        public void remove(K key) throws Exception {
            MapCell<K, V> c = map();
            MapSlot<K, V> s = c.slot(key);
            c.removed(s);
            s.absent = !c.complete;
            changedCurrent();
        }

        @Override
        public boolean contains(K key) throws Exception {
            MapSlot<K, V> s = lookUp(map(), key);
            return s != null && s.value != null;
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() throws Exception {
            MapCell<K, V> c = whole();
            Entry owner = current();
            return () -> tracking(c, owner, readsMayChange, e -> e);
        }

        @Override
        public Iterable<K> keys() throws Exception {
            MapCell<K, V> c = whole();
            Entry owner = current();
            return () -> tracking(c, owner, false, Map.Entry::getKey);
        }

        @Override
        public Iterable<V> values() throws Exception {
            MapCell<K, V> c = whole();
            Entry owner = current();
            return () -> tracking(c, owner, readsMayChange, Map.Entry::getValue);
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() throws Exception {
            MapCell<K, V> c = whole();
            return tracking(c, current(), readsMayChange, e -> e);
        }

        @Override
        public boolean isEmpty() throws Exception {
            return whole().present == 0;
        }

        @Override
        public void clear() {
            try {
                clearIn(current());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Iterates the entries present (the cell is complete); a value handed out counts as written, a
         * removal is recorded. A removed slot stays in the cell until the next write, so removing
         * does not disturb the iteration.
         */
        private <T> Iterator<T> tracking(MapCell<K, V> c, Entry owner, boolean valuesSeen,
                                         java.util.function.Function<Map.Entry<K, V>, T> view) {
            Iterator<MapSlot<K, V>> it = c.slots.values().iterator();
            return new Iterator<>() {
                private MapSlot<K, V> next = advance();
                private MapSlot<K, V> last;

                private MapSlot<K, V> advance() {
                    while (it.hasNext()) {
                        MapSlot<K, V> s = it.next();
                        if (s.value != null) {
                            return s;
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public T next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    last = next;
                    next = advance();
                    if (valuesSeen) {
                        last.written = true;
                        c.touch(last);
                        changed(owner);
                    }
                    return view.apply(last);
                }

                @Override
                public void remove() {
                    if (last == null || last.value == null) {
                        throw new IllegalStateException();
                    }
                    c.removed(last);
                    changed(owner);
                }
            };
        }
    }

    // The asynchronous (v2) state API: nothing here uses it.

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
