package io.posmon.operators;

import static io.posmon.operators.state.OwnSerializers.readEnum;
import static io.posmon.operators.state.OwnSerializers.readString;
import static io.posmon.operators.state.OwnSerializers.readVarInt;
import static io.posmon.operators.state.OwnSerializers.readVarLong;
import static io.posmon.operators.state.OwnSerializers.writeEnum;
import static io.posmon.operators.state.OwnSerializers.writeString;
import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;

import io.posmon.operators.state.OwnSerializers;
import io.posmon.operators.state.StringPool;
import io.posmon.schema.CardType;
import io.posmon.schema.TransactionType;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializers of the merchant operator's own state (the transactions it has counted, its recent
 * evidence) and of the evidence item the pattern candidates carry. Every transaction of the last two
 * days is remembered, so its size counts: numbers are variable-length, event times and business days
 * are written as the difference from the transaction before, and the flags share a byte.
 */
public final class MerchantStateSerialization {

    private MerchantStateSerialization() {
    }

    private static final TransactionType[] TRANSACTION_TYPES = TransactionType.values();
    private static final CardType[] CARD_TYPES = CardType.values();

    // ---- evidence (also inside every pattern candidate: its layout is the candidates' layout 1, unchanged)

    public static void writeEvidence(EvidenceItem e, DataOutputView out) throws IOException {
        out.writeBoolean(e != null);
        if (e == null) {
            return;
        }
        writeString(e.transactionId, out);
        out.writeLong(e.eventTime);
        out.writeLong(e.amountMinor);
        writeString(e.currency, out);
        writeEnum(e.type, out);
        writeEnum(e.cardType, out);
        writeString(e.maskedPan, out);
    }

    public static EvidenceItem readEvidence(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        EvidenceItem e = new EvidenceItem();
        e.transactionId = readString(in);
        e.eventTime = in.readLong();
        e.amountMinor = in.readLong();
        e.currency = StringPool.CODES.canonical(readString(in));
        e.type = readEnum(TRANSACTION_TYPES, in);
        e.cardType = readEnum(CARD_TYPES, in);
        e.maskedPan = readString(in);
        return e;
    }

    public static EvidenceItem copy(EvidenceItem from) {
        if (from == null) {
            return null;
        }
        EvidenceItem e = new EvidenceItem();
        e.transactionId = from.transactionId;
        e.eventTime = from.eventTime;
        e.amountMinor = from.amountMinor;
        e.currency = from.currency;
        e.type = from.type;
        e.cardType = from.cardType;
        e.maskedPan = from.maskedPan;
        return e;
    }

    // ---- serializers

    public static final class SeenTransactionSerializer extends OwnSerializers.FieldSerializer<SeenTransaction> {
        private static final long serialVersionUID = 1L;
        private static final int CREDIT_SALE = 1;
        private static final int UNDONE = 2;

        @Override
        public SeenTransaction createInstance() {
            return new SeenTransaction();
        }

        @Override
        public SeenTransaction copy(SeenTransaction from) {
            SeenTransaction s = new SeenTransaction();
            s.eventTime = from.eventTime;
            s.amountMinor = from.amountMinor;
            s.businessDay = from.businessDay;
            s.creditSale = from.creditSale;
            s.undone = from.undone;
            return s;
        }

        @Override
        public void serialize(SeenTransaction s, DataOutputView out) throws IOException {
            writeVarLong(s.eventTime, out);
            writeVarLong(s.amountMinor, out);
            writeVarInt(s.businessDay, out);
            out.writeByte((s.creditSale ? CREDIT_SALE : 0) | (s.undone ? UNDONE : 0));
        }

        @Override
        public SeenTransaction deserialize(DataInputView in) throws IOException {
            SeenTransaction s = new SeenTransaction();
            s.eventTime = readVarLong(in);
            s.amountMinor = readVarLong(in);
            s.businessDay = readVarInt(in);
            int flags = in.readByte();
            s.creditSale = (flags & CREDIT_SALE) != 0;
            s.undone = (flags & UNDONE) != 0;
            return s;
        }
    }

    /**
     * One dedupe step's transactions ({@link SeenIds}): their count, then for each its fingerprint (8
     * bytes), its event time and business day less the previous transaction's, its flags and its
     * amount; about 16 bytes a transaction.
     */
    public static final class SeenIdsSerializer extends OwnSerializers.FieldSerializer<SeenIds> {
        private static final long serialVersionUID = 1L;

        @Override
        public SeenIds createInstance() {
            return new SeenIds();
        }

        @Override
        public SeenIds copy(SeenIds from) {
            return from.copy();
        }

        @Override
        public void serialize(SeenIds s, DataOutputView out) throws IOException {
            writeVarInt(s.size, out);
            long time = 0;
            int day = 0;
            for (int i = 0; i < s.size; i++) {
                out.writeLong(s.prints[i]);
                writeVarLong(s.eventTimes[i] - time, out);
                writeVarInt(s.businessDays[i] - day, out);
                out.writeByte(s.flags[i]);
                writeVarLong(s.amounts[i], out);
                time = s.eventTimes[i];
                day = s.businessDays[i];
            }
        }

        @Override
        public SeenIds deserialize(DataInputView in) throws IOException {
            int n = readVarInt(in);
            if (n < 0) {
                throw new IOException("a negative count of transactions: the data is corrupt");
            }
            SeenIds s = new SeenIds(Math.max(4, n));
            long time = 0;
            int day = 0;
            for (int i = 0; i < n; i++) {
                s.prints[i] = in.readLong();
                time += readVarLong(in);
                day += readVarInt(in);
                s.eventTimes[i] = time;
                s.businessDays[i] = day;
                s.flags[i] = in.readByte();
                s.amounts[i] = readVarLong(in);
            }
            s.size = n;
            return s;
        }
    }

    public static final class RecentTransactionsSerializer extends OwnSerializers.FieldSerializer<RecentTransactions> {
        private static final long serialVersionUID = 1L;

        @Override
        public RecentTransactions createInstance() {
            return new RecentTransactions();
        }

        @Override
        public RecentTransactions copy(RecentTransactions from) {
            return from.copy();
        }

        // The layout of a list of items, as before the ring: a count, then each item.
        @Override
        public void serialize(RecentTransactions r, DataOutputView out) throws IOException {
            writeVarInt(r.size(), out);
            for (int i = 0; i < r.size(); i++) {
                writeEvidence(r.get(i), out);
            }
        }

        @Override
        public RecentTransactions deserialize(DataInputView in) throws IOException {
            int n = readVarInt(in);
            RecentTransactions r = new RecentTransactions();
            for (int i = 0; i < n; i++) {
                EvidenceItem e = readEvidence(in);
                if (e != null) { // never written, but the layout allows it
                    r.add(e, n); // sized to what was kept; the first sale resizes it to the limit in force
                }
            }
            return r;
        }
    }

    public static final class SeenTransactionType extends OwnSerializers.Factory<SeenTransaction> {
        public SeenTransactionType() {
            super(SeenTransaction.class, new SeenTransactionSerializer());
        }
    }

    public static final class SeenIdsType extends OwnSerializers.Factory<SeenIds> {
        public SeenIdsType() {
            super(SeenIds.class, new SeenIdsSerializer());
        }
    }

    public static final class RecentTransactionsType extends OwnSerializers.Factory<RecentTransactions> {
        public RecentTransactionsType() {
            super(RecentTransactions.class, new RecentTransactionsSerializer());
        }
    }
}
