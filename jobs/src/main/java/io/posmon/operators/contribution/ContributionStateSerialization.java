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
 * Serializer of the sales a customer and a merchant keep for the refund window: one map entry per
 * sale for as long as a refund may come (180 days in the shipped policy), so the size of each entry
 * is most of these operators' state. Numbers are variable-length and the flags share a byte (about
 * 20 bytes with the MCC group, against about 45 from Flink's POJO serializer).
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

    public static final class SaleMemoType extends OwnSerializers.Factory<SaleMemo> {
        public SaleMemoType() {
            super(SaleMemo.class, new SaleMemoSerializer());
        }
    }
}
