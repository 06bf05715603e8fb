package io.posmon.operators.checks;

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
        int mask = 0;
        for (int h = 0; h < HOURS; h++) {
            if (amounts[offset + h] != 0 || counts[offset + h] != 0) {
                mask |= 1 << h;
            }
        }
        writeVarInt(mask, out);
        for (int h = 0; h < HOURS; h++) {
            if ((mask & (1 << h)) != 0) {
                writeVarLong(amounts[offset + h], out);
                writeVarInt(counts[offset + h], out);
            }
        }
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
            writeVarInt(n, out);
            for (int i = 0; i < n; i++) {
                boolean held = h.days[i] != Integer.MIN_VALUE;
                boolean figures = h.amount[i] != 0 || h.count[i] != 0 || anyHour(h, i);
                out.writeByte((held ? HELD : 0) | (figures ? FIGURES : 0));
                if (held) {
                    writeVarInt(h.days[i], out);
                }
                if (figures) {
                    writeVarLong(h.amount[i], out);
                    writeVarInt(h.count[i], out);
                    writeHours(h.hourAmount, h.hourCount, i * HOURS, out);
                }
            }
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
            int n = readVarInt(in);
            VolumeHistory h = VolumeHistory.empty(n);
            for (int i = 0; i < n; i++) {
                int header = in.readByte();
                if ((header & HELD) != 0) {
                    h.days[i] = readVarInt(in);
                }
                if ((header & FIGURES) != 0) {
                    h.amount[i] = readVarLong(in);
                    h.count[i] = readVarInt(in);
                    readHours(h.hourAmount, h.hourCount, i * HOURS, in);
                }
            }
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
