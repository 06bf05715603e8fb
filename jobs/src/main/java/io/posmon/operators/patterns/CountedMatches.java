package io.posmon.operators.patterns;

import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.readVarLong;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;

import io.posmon.operators.state.OwnSerializers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One key's matches in progress for a {@link CountedSteps} pattern: the state that replaces
 * flink-cep's NFA state and shared buffer for such patterns, one value per key. Each transaction a
 * match takes is kept in it, as bytes ({@link TakenCandidates}; a transaction taken by two partial
 * matches is kept twice; patterns of this shape hold a few transactions per key, and a value read
 * whole costs less than a buffer read entry by entry).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CountedMatches.TypeFactory.class)
public final class CountedMatches {

    /**
     * The next transaction's place among this key's taken transactions, which orders transactions
     * of the same event time as flink-cep's event ids do (the order they were taken in).
     */
    long nextSeq;
    /** Matches in progress, the earliest started first. */
    final List<Partial> partial = new ArrayList<>();
    /**
     * Complete matches that wait, as flink-cep's completed matches do, for every match in progress
     * that started before them to end (complete or time out): with "the next match starts after the
     * last one", only the earliest-started of overlapping matches is reported. The earliest started first.
     */
    final List<Partial> completed = new ArrayList<>();

    /** Nothing in progress and nothing waiting: the key needs no state. */
    boolean idle() {
        return partial.isEmpty() && completed.isEmpty();
    }

    /** One match, in progress or complete: where it started, its last transaction, and what each step took. */
    static final class Partial {
        final long startTime;
        final long startSeq;
        long lastTime;
        long lastSeq;
        /** The step that takes the next transaction; the number of steps once complete. */
        int step;
        /** Per step, kept as bytes ({@link TakenCandidates}). */
        final TakenCandidates[] taken;

        Partial(int steps, long startTime, long startSeq) {
            this.startTime = startTime;
            this.startSeq = startSeq;
            this.taken = new TakenCandidates[steps];
            for (int i = 0; i < steps; i++) {
                taken[i] = new TakenCandidates();
            }
        }

        /** Whether this match started before {@code other}, or is it (flink-cep's order of computation states). */
        boolean startsNoLaterThan(Partial other) {
            return startTime < other.startTime || (startTime == other.startTime && startSeq <= other.startSeq);
        }

        /** Whether this match started at or before the given transaction (flink-cep's after-match pruning). */
        boolean startsAtOrBefore(long time, long seq) {
            return startTime < time || (startTime == time && startSeq <= seq);
        }
    }

    // ---- serialization (named by @TypeInfo)

    /**
     * Layout 2 (2026-12-08): each taken transaction in {@link CandidateSerialization#writeTaken}'s
     * layout, with the fields its rule reads ({@link TakenLayout}). Layout 1 kept every field of every
     * taken transaction ({@link CandidateSerialization#writeCandidate}); state written so is read by
     * {@link Layout1Reader} and migrated at restore.
     */
    public static class Serializer extends OwnSerializers.FieldSerializer<CountedMatches> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        protected int layoutVersion() {
            return 2;
        }

        @Override
        protected OwnSerializers.FieldSerializer<CountedMatches> readerOfLayout(int layout) {
            return layout == 1 ? new Layout1Reader() : null;
        }

        @Override
        public CountedMatches createInstance() {
            return new CountedMatches();
        }

        @Override
        public CountedMatches copy(CountedMatches from) {
            CountedMatches to = new CountedMatches();
            to.nextSeq = from.nextSeq;
            for (Partial p : from.partial) {
                to.partial.add(copy(p));
            }
            for (Partial p : from.completed) {
                to.completed.add(copy(p));
            }
            return to;
        }

        private static Partial copy(Partial from) {
            Partial to = new Partial(from.taken.length, from.startTime, from.startSeq);
            to.lastTime = from.lastTime;
            to.lastSeq = from.lastSeq;
            to.step = from.step;
            for (int i = 0; i < from.taken.length; i++) {
                to.taken[i] = from.taken[i].copy();
            }
            return to;
        }

        @Override
        public void serialize(CountedMatches m, DataOutputView out) throws IOException {
            writeVarLong(m.nextSeq, out);
            writeAll(m.partial, out);
            writeAll(m.completed, out);
        }

        private void writeAll(List<Partial> matches, DataOutputView out) throws IOException {
            writeVarInt(matches.size(), out);
            for (Partial p : matches) {
                out.writeLong(p.startTime);
                writeVarLong(p.startSeq, out);
                writeVarLong(p.lastTime - p.startTime, out);
                writeVarLong(p.lastSeq - p.startSeq, out);
                writeVarInt(p.step, out);
                writeVarInt(p.taken.length, out);
                for (TakenCandidates step : p.taken) {
                    writeVarInt(step.size(), out);
                    for (int j = 0; j < step.size(); j++) {
                        writeTaken(step, j, out);
                    }
                }
            }
        }

        @Override
        public CountedMatches deserialize(DataInputView in) throws IOException {
            CountedMatches m = new CountedMatches();
            m.nextSeq = readVarLong(in);
            readAll(m.partial, in);
            readAll(m.completed, in);
            return m;
        }

        /** Writes the {@code j}-th transaction of {@code step}: the bytes writeTaken wrote when it was taken. */
        void writeTaken(TakenCandidates step, int j, DataOutputView out) throws IOException {
            out.write(step.encoded(j));
        }

        /** Reads one taken transaction into {@code taken}, in this serializer's layout. */
        void readTaken(TakenCandidates taken, DataInputView in) throws IOException {
            // Read to find where it ends, then kept as the same bytes again.
            int[] fields = new int[1];
            PatternCandidate c = CandidateSerialization.readTaken(in, fields);
            taken.take(c, fields[0]);
        }

        private void readAll(List<Partial> into, DataInputView in) throws IOException {
            int count = readVarInt(in);
            for (int i = 0; i < count; i++) {
                long startTime = in.readLong();
                long startSeq = readVarLong(in);
                long lastTime = startTime + readVarLong(in);
                long lastSeq = startSeq + readVarLong(in);
                int step = readVarInt(in);
                Partial p = new Partial(readVarInt(in), startTime, startSeq);
                p.lastTime = lastTime;
                p.lastSeq = lastSeq;
                p.step = step;
                for (TakenCandidates taken : p.taken) {
                    int n = readVarInt(in);
                    for (int j = 0; j < n; j++) {
                        readTaken(taken, in);
                    }
                }
                into.add(p);
            }
        }
    }

    /**
     * Reads state of layout 1, whose taken transactions kept all their fields: it keeps all the tx
     * fields and the merchant of each (not knowing which rule wrote it), and writes layout 2.
     */
    static class Layout1Reader extends Serializer {
        private static final long serialVersionUID = 1L;

        @Override
        void readTaken(TakenCandidates taken, DataInputView in) throws IOException {
            taken.take(CandidateSerialization.readCandidate(in), TakenLayout.ALL_TX_FIELDS | TakenLayout.MERCHANT);
        }

        /** What it writes is layout 2 of {@link Serializer}. */
        @Override
        public org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<CountedMatches> snapshotConfiguration() {
            return INSTANCE.snapshotConfiguration();
        }
    }

    public static final class TypeFactory extends OwnSerializers.Factory<CountedMatches> {
        public TypeFactory() {
            super(CountedMatches.class, Serializer.INSTANCE);
        }
    }
}
