package io.posmon.records;

import static io.posmon.operators.state.OwnSerializers.readEnum;
import static io.posmon.operators.state.OwnSerializers.readUtf8;
import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.readVarLong;
import static io.posmon.operators.state.OwnSerializers.writeEnum;
import static io.posmon.operators.state.OwnSerializers.writeUtf8;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;

import io.posmon.operators.state.OwnSerializers;
import io.posmon.operators.state.StringPool;
import io.posmon.schema.CardType;
import io.posmon.schema.EntryMode;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The transaction as it travels between the engine's operators: field by field, with no schema
 * walk. Flink's Avro serializer writes and reads each transaction at every keyBy through Avro's
 * datum writer and reader, which walk the schema field by field and resolve each value's type;
 * reading it back was about a tenth of the merchant operator's samples in JFR. Every field of a
 * transaction is an immutable value (strings, enums, an instant, numbers), so a copy (where Flink
 * makes one) is a new record holding the same values.
 *
 * <p>Only for records in flight: no state holds a {@code PosTransaction}, so no savepoint and no
 * aligned checkpoint (the engine's, Flink's default) holds these bytes. An unaligned checkpoint
 * would keep records in flight in this layout: a version that changes it is crossed with a
 * savepoint. A field added to the schema must be added here: the class refuses to load while the
 * schema's field names differ from {@link #FIELDS}, and {@code PosTransactionSerializerTest},
 * which fills every field of the schema, fails while a field is not written, read or copied.
 */
public final class PosTransactionSerializer extends OwnSerializers.FieldSerializer<PosTransaction> {
    private static final long serialVersionUID = 1L;

    /** The schema's fields in the order this serializer writes them. */
    static final List<String> FIELDS = List.of("transactionId", "eventTime", "merchantId", "terminalId", "cardToken",
            "maskedPan", "cardType", "customerId", "amountMinor", "currency", "type", "originalTransactionId",
            "status", "entryMode", "installments", "customerRegion");

    static {
        List<String> schema = PosTransaction.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
        if (!schema.equals(FIELDS)) {
            throw new IllegalStateException("PosTransactionSerializer writes the fields " + FIELDS
                    + " but the PosTransaction schema has " + schema + ": add the new fields to the serializer");
        }
    }

    public static final PosTransactionSerializer INSTANCE = new PosTransactionSerializer();

    private static final CardType[] CARD_TYPES = CardType.values();
    private static final TransactionType[] TYPES = TransactionType.values();
    private static final TransactionStatus[] STATUSES = TransactionStatus.values();
    private static final EntryMode[] ENTRY_MODES = EntryMode.values();

    /** Bits of the flags byte: which values are present (the schema makes the rest non-null). */
    private static final int HAS_EVENT_TIME = 1;

    @Override
    public PosTransaction createInstance() {
        return new PosTransaction();
    }

    @Override
    public PosTransaction copy(PosTransaction from) {
        PosTransaction t = new PosTransaction();
        t.setTransactionId(from.getTransactionId());
        if (from.getEventTime() != null) { // the generated setter truncates to the millisecond and takes no null
            t.setEventTime(from.getEventTime());
        }
        t.setMerchantId(from.getMerchantId());
        t.setTerminalId(from.getTerminalId());
        t.setCardToken(from.getCardToken());
        t.setMaskedPan(from.getMaskedPan());
        t.setCardType(from.getCardType());
        t.setCustomerId(from.getCustomerId());
        t.setAmountMinor(from.getAmountMinor());
        t.setCurrency(from.getCurrency());
        t.setType(from.getType());
        t.setOriginalTransactionId(from.getOriginalTransactionId());
        t.setStatus(from.getStatus());
        t.setEntryMode(from.getEntryMode());
        t.setInstallments(from.getInstallments());
        t.setCustomerRegion(from.getCustomerRegion());
        return t;
    }

    @Override
    public void serialize(PosTransaction t, DataOutputView out) throws IOException {
        Instant eventTime = t.getEventTime();
        out.writeByte(eventTime == null ? 0 : HAS_EVENT_TIME);
        writeUtf8(t.getTransactionId(), out);
        if (eventTime != null) {
            // Avro's timestamp-millis: the instant to the millisecond, as the topic carries it.
            writeVarLong(eventTime.toEpochMilli(), out);
        }
        writeUtf8(t.getMerchantId(), out);
        writeUtf8(t.getTerminalId(), out);
        writeUtf8(t.getCardToken(), out);
        writeUtf8(t.getMaskedPan(), out);
        writeEnum(t.getCardType(), out);
        writeUtf8(t.getCustomerId(), out);
        writeVarLong(t.getAmountMinor(), out);
        writeUtf8(t.getCurrency(), out);
        writeEnum(t.getType(), out);
        writeUtf8(t.getOriginalTransactionId(), out);
        writeEnum(t.getStatus(), out);
        writeEnum(t.getEntryMode(), out);
        writeVarInt(t.getInstallments(), out);
        writeUtf8(t.getCustomerRegion(), out);
    }

    @Override
    public PosTransaction deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        PosTransaction t = new PosTransaction();
        t.setTransactionId(readUtf8(in));
        if ((flags & HAS_EVENT_TIME) != 0) {
            t.setEventTime(Instant.ofEpochMilli(readVarLong(in)));
        }
        t.setMerchantId(readUtf8(in));
        t.setTerminalId(readUtf8(in));
        t.setCardToken(readUtf8(in));
        t.setMaskedPan(readUtf8(in));
        t.setCardType(readEnum(CARD_TYPES, in));
        t.setCustomerId(readUtf8(in));
        t.setAmountMinor(readVarLong(in));
        t.setCurrency(StringPool.CODES.canonical(readUtf8(in))); // kept in evidence and candidates
        t.setType(readEnum(TYPES, in));
        t.setOriginalTransactionId(readUtf8(in));
        t.setStatus(readEnum(STATUSES, in));
        t.setEntryMode(readEnum(ENTRY_MODES, in));
        t.setInstallments(readVarInt(in));
        t.setCustomerRegion(StringPool.CODES.canonical(readUtf8(in)));
        return t;
    }
}
