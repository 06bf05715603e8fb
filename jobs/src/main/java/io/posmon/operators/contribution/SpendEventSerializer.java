package io.posmon.operators.contribution;

import static io.posmon.operators.state.OwnSerializers.readUtf8;
import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.writeUtf8;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;

import io.posmon.operators.state.OwnSerializers;
import io.posmon.records.PosTransactionSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The spend event as it crosses the network from the merchant operator to the two contribution
 * operators, field by field: Flink's POJO serializer wrote it by reflection, with the transaction
 * inside through Avro. No state holds a spend event, so no aligned checkpoint or savepoint holds
 * these bytes (see {@link PosTransactionSerializer} on unaligned checkpoints). {@link SpendEvent}
 * names it through {@code @TypeInfo}; {@code SpendEventSerializerTest} sets every field of the class
 * by reflection, so it fails when the class gains a field this serializer does not write.
 */
public final class SpendEventSerializer extends OwnSerializers.FieldSerializer<SpendEvent> {
    private static final long serialVersionUID = 1L;
    public static final SpendEventSerializer INSTANCE = new SpendEventSerializer();

    /** The fields of {@link SpendEvent} this serializer writes. */
    static final List<String> FIELDS = List.of("tx", "mccGroup", "mcc", "feeRateBps", "profileKnown",
            "merchantRegion", "repeatedUndo", "holdings", "holder");

    private static final int HAS_TX = 1;
    private static final int PROFILE_KNOWN = 2;
    private static final int REPEATED_UNDO = 4;
    private static final int HAS_HOLDINGS = 8;

    private static final PosTransactionSerializer TX = PosTransactionSerializer.INSTANCE;

    @Override
    public SpendEvent createInstance() {
        return new SpendEvent();
    }

    @Override
    public SpendEvent copy(SpendEvent from) {
        SpendEvent e = new SpendEvent();
        e.tx = from.tx == null ? null : TX.copy(from.tx);
        e.mccGroup = from.mccGroup;
        e.mcc = from.mcc;
        e.feeRateBps = from.feeRateBps;
        e.profileKnown = from.profileKnown;
        e.merchantRegion = from.merchantRegion;
        e.repeatedUndo = from.repeatedUndo;
        e.holdings = from.holdings == null ? null : new ArrayList<>(from.holdings);
        e.holder = from.holder;
        return e;
    }

    @Override
    public void serialize(SpendEvent e, DataOutputView out) throws IOException {
        out.writeByte((e.tx != null ? HAS_TX : 0) | (e.profileKnown ? PROFILE_KNOWN : 0)
                | (e.repeatedUndo ? REPEATED_UNDO : 0) | (e.holdings != null ? HAS_HOLDINGS : 0));
        if (e.tx != null) {
            TX.serialize(e.tx, out);
        }
        writeUtf8(e.mccGroup, out);
        writeUtf8(e.mcc, out);
        writeVarInt(e.feeRateBps, out);
        writeUtf8(e.merchantRegion, out);
        if (e.holdings != null) {
            writeVarInt(e.holdings.size(), out);
            for (String product : e.holdings) {
                writeUtf8(product, out);
            }
        }
        writeUtf8(e.holder, out);
    }

    @Override
    public SpendEvent deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        SpendEvent e = new SpendEvent();
        e.tx = (flags & HAS_TX) != 0 ? TX.deserialize(in) : null;
        e.profileKnown = (flags & PROFILE_KNOWN) != 0;
        e.repeatedUndo = (flags & REPEATED_UNDO) != 0;
        e.mccGroup = readUtf8(in);
        e.mcc = readUtf8(in);
        e.feeRateBps = readVarInt(in);
        e.merchantRegion = readUtf8(in);
        if ((flags & HAS_HOLDINGS) != 0) {
            int n = readVarInt(in);
            if (n < 0) {
                throw new IOException("a negative number of holdings: the data is corrupt");
            }
            List<String> holdings = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                holdings.add(readUtf8(in));
            }
            e.holdings = holdings;
        }
        e.holder = readUtf8(in);
        return e;
    }

    /** Named by {@code @TypeInfo} on {@link SpendEvent}. */
    public static final class TypeFactory extends OwnSerializers.Factory<SpendEvent> {
        public TypeFactory() {
            super(SpendEvent.class, INSTANCE);
        }
    }
}
