package io.posmon.operators.state;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Work a keyed operator holds until the watermark passes its time, by time, in place of a Flink
 * timer per key and time (the contribution operator's emissions, the pattern operator's
 * candidates): where nearly every key has times of its own, each of those timers was an object in
 * Flink's heap timer queue, sifted at every add and poll and copied whole at every checkpoint.
 *
 * <p>When the watermark passes, each time's work is taken in time order, and before it the
 * operator's timers due by then fire: each key's timers and held work keep their order, as they
 * would as timers of one queue. What is held is the operator's to checkpoint ({@link #entries}), as
 * one blob per subtask in union operator state, read back with {@link #readOwn}.
 */
public final class HeldUntilWatermark<V> {

    /** Reads one entry of a stored blob, keeping it if {@code owned} accepts its key. */
    @FunctionalInterface
    public interface EntryReader {
        void read(DataInputView in, Predicate<Object> owned) throws Exception;
    }

    /** Writes every entry of this subtask's blob. */
    @FunctionalInterface
    public interface EntriesWriter {
        void write(DataOutputView out) throws Exception;
    }

    /** Takes one time's work; the current key is the taker's to set. */
    @FunctionalInterface
    public interface Taker<V> {
        void take(long time, V work) throws Exception;
    }

    private final TreeMap<Long, V> byTime = new TreeMap<>();
    /** How far the timers have been advanced, step by step, within the watermark being processed. */
    private long timersAdvancedTo = Long.MIN_VALUE;

    /** The work held for {@code time}, created if there is none yet. */
    public V at(long time, Supplier<V> created) {
        V work = byTime.get(time);
        if (work == null) {
            work = created.get();
            byTime.put(time, work);
        }
        return work;
    }

    /**
     * Takes the work of every time up to the watermark, earliest first, each after advancing the
     * timers to its time. Work added for a time already passed while taking is taken too. Call
     * before the operator's own {@code processWatermark}, then {@link #timersReached}.
     */
    public void takeUpTo(long watermark, InternalTimeServiceManager<?> timers, Taker<V> taker) throws Exception {
        Map.Entry<Long, V> next = byTime.firstEntry();
        while (next != null && next.getKey() <= watermark) {
            long time = next.getKey();
            if (time > timersAdvancedTo) {
                timers.advanceWatermark(new Watermark(time));
                timersAdvancedTo = time;
            }
            byTime.pollFirstEntry();
            taker.take(time, next.getValue());
            next = byTime.firstEntry();
        }
    }

    /** The operator's timers have reached the watermark (its own {@code processWatermark} has run). */
    public void timersReached(long watermark) {
        timersAdvancedTo = Math.max(timersAdvancedTo, watermark);
    }

    /** Whether work is held for a time at or before the watermark. */
    public boolean anyDueBy(long watermark) {
        Map.Entry<Long, V> first = byTime.firstEntry();
        return first != null && first.getKey() <= watermark;
    }

    /** Everything held, earliest first: for the operator's checkpoint. */
    public Iterable<Map.Entry<Long, V>> entries() {
        return byTime.entrySet();
    }

    /**
     * At a checkpoint: this subtask's held work as its one blob of the union state, the number of
     * entries, then the entries.
     *
     * @param bytesEach about how many bytes an entry takes, to size the buffer once
     */
    public static void store(ListState<byte[]> stored, int entries, int bytesEach, EntriesWriter writer) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16 + entries * bytesEach);
        out.writeInt(entries);
        writer.write(out);
        stored.update(List.of(out.getCopyOfBuffer()));
    }

    /**
     * At restore: every entry of every blob of the union state (one blob per subtask at the
     * checkpoint), each read with a test of whether a key belongs to this subtask's key groups, so
     * that a change of parallelism keeps every entry, on the subtask that now owns its key.
     */
    public static void readOwn(ListState<byte[]> stored, TaskInfo task, EntryReader reader) throws Exception {
        int keyGroups = task.getMaxNumberOfParallelSubtasks();
        KeyGroupRange own = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                keyGroups, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        Predicate<Object> owned = key -> own.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, keyGroups));
        for (byte[] blob : stored.get()) {
            DataInputDeserializer in = new DataInputDeserializer(blob);
            for (int i = in.readInt(); i > 0; i--) {
                reader.read(in, owned);
            }
        }
    }
}
