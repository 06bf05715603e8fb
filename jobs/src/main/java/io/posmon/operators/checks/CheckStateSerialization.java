package io.posmon.operators.checks;

import static io.posmon.operators.state.OwnSerializers.putVarLong;
import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.readVarLong;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;

import io.posmon.operators.state.OwnSerializers;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializers of the keyed checks' state. The volume rule's history is the largest value a merchant
 * has: {@code baselineDays} days of 24 hourly amounts and counts (28 days: 8 KB in Flink's POJO
 * format, fixed-width). Here only the hours with sales are written, each as variable-length numbers,
 * behind a 24-bit mask of those hours, and an empty day is one byte.
 */
public final class CheckStateSerialization {

    private CheckStateSerialization() {
    }

    private static final int HOURS = 24;

    /** Hours {@code offset .. offset+23} of the arrays: the mask of hours with a figure, then their figures. */
    private static void writeHours(long[] amounts, int[] counts, int offset, DataOutputView out) throws IOException {
        byte[] buf = OwnSerializers.scratch(5 + HOURS * (10 + 5));
        out.write(buf, 0, putHours(amounts, counts, offset, buf, 0));
    }

    /** {@link #writeHours}' bytes into {@code buf} at {@code pos}; returns the position after them. */
    private static int putHours(long[] amounts, int[] counts, int offset, byte[] buf, int pos) {
        int mask = 0;
        for (int h = 0; h < HOURS; h++) {
            if (amounts[offset + h] != 0 || counts[offset + h] != 0) {
                mask |= 1 << h;
            }
        }
        pos = putVarLong(mask, buf, pos);
        for (int h = 0; h < HOURS; h++) {
            if ((mask & (1 << h)) != 0) {
                pos = putVarLong(amounts[offset + h], buf, pos);
                pos = putVarLong(counts[offset + h], buf, pos);
            }
        }
        return pos;
    }

    private static void readHours(long[] amounts, int[] counts, int offset, DataInputView in) throws IOException {
        int mask = readVarInt(in);
        for (int h = 0; h < HOURS; h++) {
            if ((mask & (1 << h)) != 0) {
                amounts[offset + h] = readVarLong(in);
                counts[offset + h] = readVarInt(in);
            }
        }
    }

    private static void checkHours(long[] amounts, int[] counts, int days) {
        if (amounts.length != days * HOURS || counts.length != days * HOURS) {
            throw new IllegalStateException("volume hours for " + days + " days must hold " + days * HOURS + " figures, not "
                    + amounts.length + " and " + counts.length);
        }
    }

    private static void writeDay(VolumeDay d, DataOutputView out) throws IOException {
        out.writeBoolean(d != null);
        if (d == null) {
            return;
        }
        checkHours(d.hourAmount, d.hourCount, 1);
        writeVarInt(d.day, out);
        writeVarLong(d.amount, out);
        writeVarInt(d.count, out);
        writeHours(d.hourAmount, d.hourCount, 0, out);
        out.writeBoolean(d.dayAlerted);
        writeVarInt(d.hourAlertedMask, out);
    }

    private static VolumeDay readDay(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        VolumeDay d = new VolumeDay();
        d.day = readVarInt(in);
        d.amount = readVarLong(in);
        d.count = readVarInt(in);
        readHours(d.hourAmount, d.hourCount, 0, in);
        d.dayAlerted = in.readBoolean();
        d.hourAlertedMask = readVarInt(in);
        return d;
    }

    private static VolumeDay copy(VolumeDay from) {
        if (from == null) {
            return null;
        }
        VolumeDay d = new VolumeDay();
        d.day = from.day;
        d.amount = from.amount;
        d.count = from.count;
        d.hourAmount = from.hourAmount.clone();
        d.hourCount = from.hourCount.clone();
        d.dayAlerted = from.dayAlerted;
        d.hourAlertedMask = from.hourAlertedMask;
        return d;
    }

    // ---- serializers

    public static final class VolumeHistorySerializer extends OwnSerializers.FieldSerializer<VolumeHistory> {
        private static final long serialVersionUID = 1L;
        /** Header bits of a slot of the ring. */
        private static final int HELD = 1;
        private static final int FIGURES = 2;

        @Override
        public VolumeHistory createInstance() {
            return new VolumeHistory();
        }

        @Override
        public VolumeHistory copy(VolumeHistory from) {
            VolumeHistory h = new VolumeHistory();
            h.days = from.days.clone();
            h.amount = from.amount.clone();
            h.count = from.count.clone();
            h.hourAmount = from.hourAmount.clone();
            h.hourCount = from.hourCount.clone();
            return h;
        }

        @Override
        public void serialize(VolumeHistory h, DataOutputView out) throws IOException {
            int n = h.days.length;
            if (h.amount.length != n || h.count.length != n) {
                throw new IllegalStateException("a volume history of " + n + " days with " + h.amount.length + " amounts and "
                        + h.count.length + " counts");
            }
            checkHours(h.hourAmount, h.hourCount, n);
            // At most: the length; per day a header, the day, amount, count, mask and 24 hours' figures.
            byte[] buf = OwnSerializers.scratch(5 + n * (1 + 5 + 10 + 5 + 5 + HOURS * (10 + 5)));
            int pos = putVarLong(n, buf, 0);
            for (int i = 0; i < n; i++) {
                boolean held = h.days[i] != Integer.MIN_VALUE;
                boolean figures = h.amount[i] != 0 || h.count[i] != 0 || anyHour(h, i);
                buf[pos++] = (byte) ((held ? HELD : 0) | (figures ? FIGURES : 0));
                if (held) {
                    pos = putVarLong(h.days[i], buf, pos);
                }
                if (figures) {
                    pos = putVarLong(h.amount[i], buf, pos);
                    pos = putVarLong(h.count[i], buf, pos);
                    pos = putHours(h.hourAmount, h.hourCount, i * HOURS, buf, pos);
                }
            }
            // The length first, so that the reader takes the whole value in one read.
            writeVarInt(pos, out);
            out.write(buf, 0, pos);
        }

        /** 2: the value's length before it (1, without, was never released). */
        @Override
        protected int layoutVersion() {
            return 2;
        }

        private static boolean anyHour(VolumeHistory h, int day) {
            for (int k = day * HOURS; k < (day + 1) * HOURS; k++) {
                if (h.hourAmount[k] != 0 || h.hourCount[k] != 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public VolumeHistory deserialize(DataInputView in) throws IOException {
            OwnSerializers.ArrayReader r = OwnSerializers.ArrayReader.readFully(in, readVarInt(in));
            int n = r.varInt();
            VolumeHistory h = VolumeHistory.empty(n);
            for (int i = 0; i < n; i++) {
                int header = r.unsignedByte();
                if ((header & HELD) != 0) {
                    h.days[i] = r.varInt();
                }
                if ((header & FIGURES) != 0) {
                    h.amount[i] = r.varLong();
                    h.count[i] = r.varInt();
                    int mask = r.varInt();
                    for (int hour = 0; hour < HOURS; hour++) {
                        if ((mask & (1 << hour)) != 0) {
                            h.hourAmount[i * HOURS + hour] = r.varLong();
                            h.hourCount[i * HOURS + hour] = r.varInt();
                        }
                    }
                }
            }
            r.end();
            return h;
        }
    }

    public static final class VolumeStateSerializer extends OwnSerializers.FieldSerializer<VolumeState> {
        private static final long serialVersionUID = 1L;
        private static final int DAY_FROM_PEERS = 1;
        private static final int HOUR_FROM_PEERS = 2;

        @Override
        public VolumeState createInstance() {
            return new VolumeState();
        }

        @Override
        public VolumeState copy(VolumeState from) {
            VolumeState s = new VolumeState();
            s.cur = CheckStateSerialization.copy(from.cur);
            s.prev = CheckStateSerialization.copy(from.prev);
            s.firstSeenDay = from.firstSeenDay;
            s.baselineDay = from.baselineDay;
            s.dayAmountSum = from.dayAmountSum;
            s.dayCountSum = from.dayCountSum;
            s.dayDivisor = from.dayDivisor;
            s.dayFromPeers = from.dayFromPeers;
            s.baselineHour = from.baselineHour;
            s.hourAmountSum = from.hourAmountSum;
            s.hourCountSum = from.hourCountSum;
            s.hourDivisor = from.hourDivisor;
            s.hourFromPeers = from.hourFromPeers;
            return s;
        }

        @Override
        public void serialize(VolumeState s, DataOutputView out) throws IOException {
            writeDay(s.cur, out);
            writeDay(s.prev, out);
            writeVarInt(s.firstSeenDay, out);
            writeVarInt(s.baselineDay, out);
            writeVarLong(s.dayAmountSum, out);
            writeVarLong(s.dayCountSum, out);
            writeVarLong(s.dayDivisor, out);
            writeVarInt(s.baselineHour, out);
            writeVarLong(s.hourAmountSum, out);
            writeVarLong(s.hourCountSum, out);
            writeVarLong(s.hourDivisor, out);
            out.writeByte((s.dayFromPeers ? DAY_FROM_PEERS : 0) | (s.hourFromPeers ? HOUR_FROM_PEERS : 0));
        }

        @Override
        public VolumeState deserialize(DataInputView in) throws IOException {
            VolumeState s = new VolumeState();
            s.cur = readDay(in);
            s.prev = readDay(in);
            s.firstSeenDay = readVarInt(in);
            s.baselineDay = readVarInt(in);
            s.dayAmountSum = readVarLong(in);
            s.dayCountSum = readVarLong(in);
            s.dayDivisor = readVarLong(in);
            s.baselineHour = readVarInt(in);
            s.hourAmountSum = readVarLong(in);
            s.hourCountSum = readVarLong(in);
            s.hourDivisor = readVarLong(in);
            int flags = in.readByte();
            s.dayFromPeers = (flags & DAY_FROM_PEERS) != 0;
            s.hourFromPeers = (flags & HOUR_FROM_PEERS) != 0;
            return s;
        }
    }

    public static final class DailyLimitStateSerializer extends OwnSerializers.FieldSerializer<DailyLimitState> {
        private static final long serialVersionUID = 1L;
        private static final int WARNED = 1;
        private static final int ALERTED = 2;
        private static final int PREV_WARNED = 4;
        private static final int PREV_ALERTED = 8;

        @Override
        public DailyLimitState createInstance() {
            return new DailyLimitState();
        }

        @Override
        public DailyLimitState copy(DailyLimitState from) {
            DailyLimitState s = new DailyLimitState();
            s.day = from.day;
            s.net = from.net;
            s.warned = from.warned;
            s.alerted = from.alerted;
            s.prevDay = from.prevDay;
            s.prevNet = from.prevNet;
            s.prevWarned = from.prevWarned;
            s.prevAlerted = from.prevAlerted;
            return s;
        }

        @Override
        public void serialize(DailyLimitState s, DataOutputView out) throws IOException {
            writeVarInt(s.day, out);
            writeVarLong(s.net, out);
            writeVarInt(s.prevDay, out);
            writeVarLong(s.prevNet, out);
            out.writeByte((s.warned ? WARNED : 0) | (s.alerted ? ALERTED : 0)
                    | (s.prevWarned ? PREV_WARNED : 0) | (s.prevAlerted ? PREV_ALERTED : 0));
        }

        @Override
        public DailyLimitState deserialize(DataInputView in) throws IOException {
            DailyLimitState s = new DailyLimitState();
            s.day = readVarInt(in);
            s.net = readVarLong(in);
            s.prevDay = readVarInt(in);
            s.prevNet = readVarLong(in);
            int flags = in.readByte();
            s.warned = (flags & WARNED) != 0;
            s.alerted = (flags & ALERTED) != 0;
            s.prevWarned = (flags & PREV_WARNED) != 0;
            s.prevAlerted = (flags & PREV_ALERTED) != 0;
            return s;
        }
    }

    public static final class VolumeHistoryType extends OwnSerializers.Factory<VolumeHistory> {
        public VolumeHistoryType() {
            super(VolumeHistory.class, new VolumeHistorySerializer());
        }
    }

    public static final class VolumeStateType extends OwnSerializers.Factory<VolumeState> {
        public VolumeStateType() {
            super(VolumeState.class, new VolumeStateSerializer());
        }
    }

    public static final class DailyLimitStateType extends OwnSerializers.Factory<DailyLimitState> {
        public DailyLimitStateType() {
            super(DailyLimitState.class, new DailyLimitStateSerializer());
        }
    }
}
