package io.posmon.operators.contribution;

import static io.posmon.operators.state.OwnSerializers.readString;
import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.readVarLong;
import static io.posmon.operators.state.OwnSerializers.writeString;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;

import io.posmon.operators.state.OwnSerializers;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializers of the contribution operators' state, written field by field.
 *
 * <p>The sales a customer keeps for the refund window: one map entry per sale for as long as a
 * refund may come (180 days in the shipped policy), so the size of each entry is most of these
 * operators' state. Numbers are variable-length and the flags share a byte (about 20 bytes with the
 * MCC group, against about 45 from Flink's POJO serializer).
 *
 * <p>The subject and its days and months: written at every checkpoint for every subject with an
 * event in the interval (a customer's first transaction of the day creates all three), where Flink's
 * POJO serializer (reflection, a null flag per field, a map serializer per figures) was a visible part
 * of the operators' profile. State written by the POJO serializer (before 2026-12-07) is migrated at
 * restore ({@link OwnSerializers#migratedFromPojo}).
 */
public final class ContributionStateSerialization {

    private ContributionStateSerialization() {
    }

    public static final class SaleMemoSerializer extends OwnSerializers.FieldSerializer<SaleMemo> {
        private static final long serialVersionUID = 1L;
        private static final int ELIGIBLE = 1;
        private static final int INSTALMENT = 2;

        @Override
        public SaleMemo createInstance() {
            return new SaleMemo();
        }

        @Override
        public SaleMemo copy(SaleMemo from) {
            SaleMemo m = new SaleMemo();
            m.eventTime = from.eventTime;
            m.remainingMinor = from.remainingMinor;
            m.eligible = from.eligible;
            m.instalment = from.instalment;
            m.feeRateBps = from.feeRateBps;
            m.mccGroup = from.mccGroup;
            return m;
        }

        @Override
        public void serialize(SaleMemo m, DataOutputView out) throws IOException {
            writeVarLong(m.eventTime, out);
            writeVarLong(m.remainingMinor, out);
            out.writeByte((m.eligible ? ELIGIBLE : 0) | (m.instalment ? INSTALMENT : 0));
            writeVarInt(m.feeRateBps, out);
            writeString(m.mccGroup, out);
        }

        @Override
        public SaleMemo deserialize(DataInputView in) throws IOException {
            SaleMemo m = new SaleMemo();
            m.eventTime = readVarLong(in);
            m.remainingMinor = readVarLong(in);
            int flags = in.readByte();
            m.eligible = (flags & ELIGIBLE) != 0;
            m.instalment = (flags & INSTALMENT) != 0;
            m.feeRateBps = readVarInt(in);
            m.mccGroup = readString(in);
            return m;
        }
    }

    public static final class PeriodFiguresSerializer extends OwnSerializers.FieldSerializer<PeriodFigures> {
        private static final long serialVersionUID = 1L;
        private static final int DIRTY = 1;
        private static final int CLOSED = 2;
        /** Null prints: a period begun before the fingerprints were kept (its ids are in map state). */
        private static final int NO_PRINTS = 4;

        @Override
        public PeriodFigures createInstance() {
            return new PeriodFigures();
        }

        @Override
        public PeriodFigures copy(PeriodFigures from) {
            PeriodFigures f = new PeriodFigures();
            f.eligibleMinor = from.eligibleMinor;
            f.excludedMinor = from.excludedMinor;
            f.count = from.count;
            f.instalmentMinor = from.instalmentMinor;
            f.feeBasis = from.feeBasis;
            f.byMccGroup = from.byMccGroup == null ? null : new java.util.HashMap<>(from.byMccGroup);
            f.distinctCounterparties = from.distinctCounterparties;
            f.counterpartyPrints = from.counterpartyPrints == null ? null : from.counterpartyPrints.clone();
            f.lastEventTime = from.lastEventTime;
            f.revision = from.revision;
            f.dirty = from.dirty;
            f.closed = from.closed;
            return f;
        }

        @Override
        public void serialize(PeriodFigures f, DataOutputView out) throws IOException {
            out.writeByte((f.dirty ? DIRTY : 0) | (f.closed ? CLOSED : 0) | (f.counterpartyPrints == null ? NO_PRINTS : 0));
            writeVarLong(f.eligibleMinor, out);
            writeVarLong(f.excludedMinor, out);
            writeVarInt(f.count, out);
            writeVarLong(f.instalmentMinor, out);
            writeVarLong(f.feeBasis, out);
            java.util.Map<String, Long> groups = f.byMccGroup == null ? java.util.Map.of() : f.byMccGroup;
            writeVarInt(groups.size(), out);
            for (java.util.Map.Entry<String, Long> g : groups.entrySet()) {
                writeString(g.getKey(), out);
                writeVarLong(g.getValue(), out);
            }
            writeVarInt(f.distinctCounterparties, out);
            if (f.counterpartyPrints != null) {
                writeVarInt(f.counterpartyPrints.length, out);
                for (long print : f.counterpartyPrints) {
                    out.writeLong(print); // fingerprints: random bits, no shorter as a variable-length number
                }
            }
            writeVarLong(f.lastEventTime, out);
            writeVarInt(f.revision, out);
        }

        @Override
        public PeriodFigures deserialize(DataInputView in) throws IOException {
            PeriodFigures f = new PeriodFigures();
            int flags = in.readByte();
            f.dirty = (flags & DIRTY) != 0;
            f.closed = (flags & CLOSED) != 0;
            f.eligibleMinor = readVarLong(in);
            f.excludedMinor = readVarLong(in);
            f.count = readVarInt(in);
            f.instalmentMinor = readVarLong(in);
            f.feeBasis = readVarLong(in);
            int groups = readVarInt(in);
            for (int i = 0; i < groups; i++) {
                // The MCC groups are a handful of names: one copy each, not one per period read.
                f.byMccGroup.put(io.posmon.operators.state.StringPool.CODES.canonical(readString(in)), readVarLong(in));
            }
            f.distinctCounterparties = readVarInt(in);
            if ((flags & NO_PRINTS) == 0) {
                long[] prints = new long[readVarInt(in)];
                for (int i = 0; i < prints.length; i++) {
                    prints[i] = in.readLong();
                }
                f.counterpartyPrints = prints;
            }
            f.lastEventTime = readVarLong(in);
            f.revision = readVarInt(in);
            return f;
        }
    }

    public static final class SubjectStateSerializer extends OwnSerializers.FieldSerializer<SubjectState> {
        private static final long serialVersionUID = 1L;
        private static final io.posmon.schema.Tier[] TIERS = io.posmon.schema.Tier.values();

        @Override
        public SubjectState createInstance() {
            return new SubjectState();
        }

        @Override
        public SubjectState copy(SubjectState from) {
            SubjectState s = new SubjectState();
            s.region = from.region;
            s.tier = from.tier;
            s.monthsBelow = from.monthsBelow;
            s.lastEvaluatedMonth = from.lastEvaluatedMonth;
            s.lastSalesCleanupDay = from.lastSalesCleanupDay;
            s.oldestSaleTime = from.oldestSaleTime;
            s.products = from.products == null ? null : new java.util.ArrayList<>(from.products);
            return s;
        }

        @Override
        public void serialize(SubjectState s, DataOutputView out) throws IOException {
            writeString(s.region, out);
            OwnSerializers.writeEnum(s.tier, out);
            writeVarInt(s.monthsBelow, out);
            writeVarInt(s.lastEvaluatedMonth, out);
            writeVarInt(s.lastSalesCleanupDay, out);
            out.writeBoolean(s.oldestSaleTime != null);
            if (s.oldestSaleTime != null) {
                writeVarLong(s.oldestSaleTime, out);
            }
            java.util.List<String> products = s.products == null ? java.util.List.of() : s.products;
            writeVarInt(products.size(), out);
            for (String p : products) {
                writeString(p, out);
            }
        }

        @Override
        public SubjectState deserialize(DataInputView in) throws IOException {
            SubjectState s = new SubjectState();
            s.region = io.posmon.operators.state.StringPool.CODES.canonical(readString(in));
            s.tier = OwnSerializers.readEnum(TIERS, in);
            s.monthsBelow = readVarInt(in);
            s.lastEvaluatedMonth = readVarInt(in);
            s.lastSalesCleanupDay = readVarInt(in);
            s.oldestSaleTime = in.readBoolean() ? readVarLong(in) : null;
            for (int i = readVarInt(in); i > 0; i--) {
                s.products.add(readString(in));
            }
            return s;
        }
    }

    public static final class PeriodFiguresType extends OwnSerializers.Factory<PeriodFigures> {
        public PeriodFiguresType() {
            super(PeriodFigures.class, new PeriodFiguresSerializer());
        }
    }

    public static final class SubjectStateType extends OwnSerializers.Factory<SubjectState> {
        public SubjectStateType() {
            super(SubjectState.class, new SubjectStateSerializer());
        }
    }

    public static final class SaleMemoType extends OwnSerializers.Factory<SaleMemo> {
        public SaleMemoType() {
            super(SaleMemo.class, new SaleMemoSerializer());
        }
    }
}
