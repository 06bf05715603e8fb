package io.posmon.operators.contribution;

import io.posmon.operators.state.HeldUntilWatermark;
import io.posmon.operators.state.KeyedStateCache;
import io.posmon.operators.state.OwnSerializers;
import io.posmon.operators.state.StateCachingOperators;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.TierChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The contribution operator: {@link ContributionFunction} under the state cache, with the
 * re-emission of each changed key at the end of its minute ({@code emitEvery}), the closing of its
 * days and months and a customer's monthly tier evaluation scheduled here instead of as a Flink
 * timer each. In a peak nearly every
 * customer and merchant has at most one transaction a minute, so that was a timer per transaction,
 * and two more per customer of the day: each an object in Flink's heap timer queue (a hash set and a
 * binary heap, sifted on every add and poll) and in every checkpoint's full copy of the queue. The
 * timers were the largest item of the contribution operators' profile. Here a key due at a time is a
 * place in that time's list.
 *
 * <p>What is scheduled for a key ({@link ScheduledKey}) is kept in the key's state cache entry, and
 * the lists hold it: a transaction finds it with the key's states, without a lookup of its own, and
 * an emission comes back to the key's cached states without looking the key up among the cached
 * ones (they were two lookups per transaction, a sixth of the operators' samples, mostly the
 * first, cold, touch of an entry among up to 200,000).
 *
 * <p>When the watermark passes a scheduled time, the timers due by then fire first, then that
 * time's keys are emitted, then the next time's (see {@link ContributionFunction.EmissionSchedule}):
 * each key's emissions and timers stay in time order. The schedule is in every checkpoint, as one
 * list of keys per subtask in union operator state; a restored subtask keeps the keys of its own key
 * groups, so a change of parallelism keeps them too. A savepoint from before the schedule has the
 * re-emissions as timers, which still fire.
 */
public final class ContributionOperator extends StateCachingOperators.Keyed<String, SpendEvent, CustomerContribution>
        implements ContributionFunction.EmissionSchedule {

    private static final long serialVersionUID = 1L;

    private final ContributionFunction function;
    /**
     * The scheduled keys by time. A key can be listed twice at one time (a minute and a closing, an
     * event out of order, a key that left the state cache and came back); the second emission finds
     * nothing changed and emits nothing.
     */
    private transient HeldUntilWatermark<List<ScheduledKey>> byTime;
    /** Entries in {@link #byTime}. */
    private transient int scheduled;
    /** Keys with a minute's re-emission scheduled ({@link ScheduledKey#minute} set). */
    private transient int minutesScheduled;
    private transient ListState<byte[]> stored;
    private transient ScheduledEmission emission;
    /** The watermark being processed (or last processed), as timers see it. */
    private transient long watermark;

    public ContributionOperator(ContributionFunction function) {
        super(function);
        this.function = function;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        byTime = new HeldUntilWatermark<>();
        watermark = Long.MIN_VALUE;
        stored = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("scheduled-emissions", BytePrimitiveArraySerializer.INSTANCE));
        if (context.isRestored()) {
            HeldUntilWatermark.readOwn(stored, getRuntimeContext().getTaskInfo(), (in, owned) -> {
                String key = StringSerializer.INSTANCE.deserialize(in);
                long at = in.readLong();
                if (owned.test(key)) {
                    // Without what is scheduled for the key, which the blob does not say: an event in a
                    // minute already scheduled schedules it again, and the second emission emits nothing.
                    add(new ScheduledKey(key, null), at);
                }
            });
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        emission = new ScheduledEmission();
        function.scheduleEmissionsWith(this);
        getMetricGroup().gauge("scheduledEmissions", () -> scheduled);
    }

    /**
     * What is scheduled for one key, kept in its state cache entry while it is cached (and in the
     * lists of {@link #byTime} until done). Lost with the entry, it only dedupes: a key scheduled
     * again at a time emits nothing the second time.
     */
    private static final class ScheduledKey {
        final String key;
        /** The key's state cache entry, to come back to without a lookup; null when restored. */
        final KeyedStateCache.Entry entry;
        /**
         * The latest minute the key is scheduled for: an event in the same minute as the key's last
         * one (the usual case) schedules nothing more. A key is due at every minute it had an event
         * in, as with a timer each: an emission emits all that changed by then, and the next
         * minute's emits what arrived after it. Closings are not in it (each is scheduled once, when
         * its period starts).
         */
        long minute = NONE;
        /** The tier evaluation scheduled, asked for again at every emission. */
        long evaluation = NONE;

        ScheduledKey(String key, KeyedStateCache.Entry entry) {
            this.key = key;
            this.entry = entry;
        }
    }

    private static final long NONE = Long.MIN_VALUE;

    /** What is scheduled for the current key, from its state cache entry. */
    private ScheduledKey currentScheduledKey() throws Exception {
        KeyedStateCache.Entry entry = cache().currentEntry();
        ScheduledKey k = (ScheduledKey) entry.tag;
        if (k == null) {
            k = new ScheduledKey((String) entry.key(), entry);
            entry.tag = k;
        }
        return k;
    }

    @Override
    public void emitCurrentKeyAt(long time) {
        ScheduledKey k = scheduledKeyOrFail();
        if (k.minute == time) {
            return;
        }
        if (k.minute == NONE) {
            minutesScheduled++;
        }
        if (k.minute < time) {
            k.minute = time;
        }
        add(k, time);
    }

    @Override
    public void closeCurrentKeyAt(long time) {
        add(scheduledKeyOrFail(), time);
    }

    @Override
    public void evaluateCurrentKeyAt(long time) {
        ScheduledKey k = scheduledKeyOrFail();
        if (k.evaluation == time) {
            return;
        }
        k.evaluation = time;
        add(k, time);
    }

    private ScheduledKey scheduledKeyOrFail() {
        try {
            return currentScheduledKey();
        } catch (Exception e) {
            throw new IllegalStateException("could not read the state cache entry of " + getCurrentKey(), e);
        }
    }

    private void add(ScheduledKey key, long time) {
        byTime.at(time, ArrayList::new).add(key);
        scheduled++;
    }

    /** Emissions scheduled and not yet done. */
    int scheduled() {
        return scheduled;
    }

    /** Keys with a minute's re-emission scheduled. */
    int minutesScheduled() {
        return minutesScheduled;
    }

    @Override
    public long watermark() {
        return watermark;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        if (byTime.anyDueBy(watermark)) {
            // The timers due by each time first, so that each key's timers and emissions run in time order.
            byTime.takeUpTo(watermark, getTimeServiceManager().orElseThrow(), (time, keys) -> {
                scheduled -= keys.size();
                for (ScheduledKey k : keys) {
                    if (k.minute == time) {
                        k.minute = NONE;
                        minutesScheduled--;
                    }
                    if (k.evaluation == time) {
                        k.evaluation = NONE;
                    }
                    setCurrentKey(k.key);
                    if (k.entry != null) {
                        cache().resume(k.entry);
                    }
                    function.emitScheduled(time, emission.at(time));
                    cache().writeBehind();
                }
            });
        }
        super.processWatermark(mark);
        byTime.timersReached(watermark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        HeldUntilWatermark.store(stored, scheduled, 24, out -> {
            for (Map.Entry<Long, List<ScheduledKey>> due : byTime.entries()) {
                for (ScheduledKey k : due.getValue()) {
                    // StringSerializer's layout (read back by it at restore), an ASCII key in one write.
                    OwnSerializers.writeString(k.key, out);
                    out.writeLong(due.getKey());
                }
            }
        });
    }

    /**
     * A scheduled emission's outputs: records timestamped with its time, as a timer's are, through
     * Flink's {@link TimestampedCollector} (one stream record reused, as {@code KeyedProcessOperator}
     * does for its timers), not a stream record per record.
     */
    private final class ScheduledEmission implements ContributionFunction.Emission {
        private final TimestampedCollector<CustomerContribution> records = new TimestampedCollector<>(output);
        private long time;

        ScheduledEmission at(long time) {
            this.time = time;
            records.setAbsoluteTimestamp(time);
            return this;
        }

        @Override
        public String key() {
            return (String) getCurrentKey();
        }

        @Override
        public long watermark() {
            return watermark;
        }

        @Override
        public void evaluateAt(long at) {
            evaluateCurrentKeyAt(at);
        }

        @Override
        public void record(CustomerContribution record) {
            records.collect(record);
        }

        @Override
        public void tierChange(TierChange change) {
            output.collect(ContributionFunction.TIER_CHANGES, new StreamRecord<>(change, time));
        }
    }
}
