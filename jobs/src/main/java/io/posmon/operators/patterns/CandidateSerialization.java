package io.posmon.operators.patterns;

import io.posmon.operators.EvidenceItem;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.TransactionType;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializers for the pattern candidates, written field by field. Every candidate crosses the
 * network from the merchant operator to the pattern operator and is kept in the pattern operator's
 * state (queue and shared buffer); Flink's POJO serializer reads and writes each field by
 * reflection, which was a visible part of both operators' profiles. {@link PatternCandidate} and
 * {@link RuleCandidate} name these through {@code @TypeInfo}, so every {@code TypeInformation.of}
 * of them (network, state, flink-cep's shared buffer) uses them.
 *
 * <p>The layout is versioned by the serializer snapshots; state written by the POJO serializer
 * (before 2026-12-01) is not read by these (see README, Known limits).
 */
public final class CandidateSerialization {

    private CandidateSerialization() {
    }

    // ---- fields

    private static final TransactionType[] TRANSACTION_TYPES = TransactionType.values();
    private static final CardType[] CARD_TYPES = CardType.values();
    private static final MerchantScale[] SCALES = MerchantScale.values();

    private static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out); // null-safe
    }

    private static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    private static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
        out.writeByte(e == null ? -1 : e.ordinal());
    }

    private static <E> E readEnum(E[] values, DataInputView in) throws IOException {
        int ordinal = in.readByte();
        return ordinal < 0 ? null : values[ordinal];
    }

    static void writeEvidence(EvidenceItem e, DataOutputView out) throws IOException {
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

    static EvidenceItem readEvidence(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        EvidenceItem e = new EvidenceItem();
        e.transactionId = readString(in);
        e.eventTime = in.readLong();
        e.amountMinor = in.readLong();
        e.currency = readString(in);
        e.type = readEnum(TRANSACTION_TYPES, in);
        e.cardType = readEnum(CARD_TYPES, in);
        e.maskedPan = readString(in);
        return e;
    }

    static EvidenceItem copy(EvidenceItem from) {
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

    static void writeCandidate(PatternCandidate c, DataOutputView out) throws IOException {
        writeString(c.merchantId, out);
        writeEvidence(c.transaction, out);
        writeString(c.merchantName, out);
        writeString(c.mcc, out);
        writeString(c.address, out);
        writeString(c.region, out);
        writeEnum(c.scale, out);
        out.writeBoolean(c.profileKnown);
        writeString(c.customerId, out);
        writeString(c.cardToken, out);
        writeString(c.terminalId, out);
        writeString(c.entryMode, out);
        out.writeInt(c.installments);
        out.writeByte(c.hourOfDay);
        out.writeByte(c.dayOfWeek);
        writeString(c.mccGroup, out);
        out.writeInt(c.feeRateBps);
        writeString(c.merchantStatus, out);
        writeString(c.settlementAccountType, out);
    }

    static PatternCandidate readCandidate(DataInputView in) throws IOException {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = readString(in);
        c.transaction = readEvidence(in);
        c.merchantName = readString(in);
        c.mcc = readString(in);
        c.address = readString(in);
        c.region = readString(in);
        c.scale = readEnum(SCALES, in);
        c.profileKnown = in.readBoolean();
        c.customerId = readString(in);
        c.cardToken = readString(in);
        c.terminalId = readString(in);
        c.entryMode = readString(in);
        c.installments = in.readInt();
        c.hourOfDay = in.readByte();
        c.dayOfWeek = in.readByte();
        c.mccGroup = readString(in);
        c.feeRateBps = in.readInt();
        c.merchantStatus = readString(in);
        c.settlementAccountType = readString(in);
        return c;
    }

    static PatternCandidate copy(PatternCandidate from) {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = from.merchantId;
        c.transaction = copy(from.transaction);
        c.merchantName = from.merchantName;
        c.mcc = from.mcc;
        c.address = from.address;
        c.region = from.region;
        c.scale = from.scale;
        c.profileKnown = from.profileKnown;
        c.customerId = from.customerId;
        c.cardToken = from.cardToken;
        c.terminalId = from.terminalId;
        c.entryMode = from.entryMode;
        c.installments = from.installments;
        c.hourOfDay = from.hourOfDay;
        c.dayOfWeek = from.dayOfWeek;
        c.mccGroup = from.mccGroup;
        c.feeRateBps = from.feeRateBps;
        c.merchantStatus = from.merchantStatus;
        c.settlementAccountType = from.settlementAccountType;
        return c;
    }

    // ---- serializers

    /** Common parts of a serializer of a mutable class written field by field. */
    private abstract static class FieldSerializer<T> extends TypeSerializerSingleton<T> {
        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }
    }

    public static final class PatternCandidateSerializer extends FieldSerializer<PatternCandidate> {
        private static final long serialVersionUID = 1L;
        public static final PatternCandidateSerializer INSTANCE = new PatternCandidateSerializer();

        @Override
        public PatternCandidate createInstance() {
            return new PatternCandidate();
        }

        @Override
        public PatternCandidate copy(PatternCandidate from) {
            return CandidateSerialization.copy(from);
        }

        @Override
        public void serialize(PatternCandidate c, DataOutputView target) throws IOException {
            writeCandidate(c, target);
        }

        @Override
        public PatternCandidate deserialize(DataInputView source) throws IOException {
            return readCandidate(source);
        }

        @Override
        public TypeSerializerSnapshot<PatternCandidate> snapshotConfiguration() {
            return new PatternCandidateSnapshot();
        }
    }

    /** Restores {@link PatternCandidateSerializer} from a checkpoint (created by reflection: public, no arguments). */
    public static final class PatternCandidateSnapshot extends SimpleTypeSerializerSnapshot<PatternCandidate> {
        public PatternCandidateSnapshot() {
            super(() -> PatternCandidateSerializer.INSTANCE);
        }
    }

    public static final class RuleCandidateSerializer extends FieldSerializer<RuleCandidate> {
        private static final long serialVersionUID = 1L;
        public static final RuleCandidateSerializer INSTANCE = new RuleCandidateSerializer();

        @Override
        public RuleCandidate createInstance() {
            return new RuleCandidate();
        }

        @Override
        public RuleCandidate copy(RuleCandidate from) {
            return new RuleCandidate(from.routeKey, from.rulesSequence,
                    from.candidate == null ? null : CandidateSerialization.copy(from.candidate));
        }

        @Override
        public void serialize(RuleCandidate r, DataOutputView target) throws IOException {
            writeString(r.routeKey, target);
            target.writeLong(r.rulesSequence);
            writeCandidate(r.candidate, target);
        }

        @Override
        public RuleCandidate deserialize(DataInputView source) throws IOException {
            String routeKey = readString(source);
            long sequence = source.readLong();
            return new RuleCandidate(routeKey, sequence, readCandidate(source));
        }

        @Override
        public TypeSerializerSnapshot<RuleCandidate> snapshotConfiguration() {
            return new RuleCandidateSnapshot();
        }
    }

    /** Restores {@link RuleCandidateSerializer} from a checkpoint (created by reflection: public, no arguments). */
    public static final class RuleCandidateSnapshot extends SimpleTypeSerializerSnapshot<RuleCandidate> {
        public RuleCandidateSnapshot() {
            super(() -> RuleCandidateSerializer.INSTANCE);
        }
    }

    // ---- type information, named by @TypeInfo on the classes

    /** The type information of a class with a serializer of its own. */
    private static final class OwnSerializerType<T> extends TypeInformation<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private final TypeSerializer<T> serializer;

        OwnSerializerType(Class<T> type, TypeSerializer<T> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<T> getTypeClass() {
            return type;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<T> createSerializer(SerializerConfig config) {
            return serializer;
        }

        @Override
        public String toString() {
            return type.getSimpleName();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OwnSerializerType<?> other && other.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof OwnSerializerType;
        }
    }

    public static final class PatternCandidateTypeFactory extends TypeInfoFactory<PatternCandidate> {
        @Override
        public TypeInformation<PatternCandidate> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new OwnSerializerType<>(PatternCandidate.class, PatternCandidateSerializer.INSTANCE);
        }
    }

    public static final class RuleCandidateTypeFactory extends TypeInfoFactory<RuleCandidate> {
        @Override
        public TypeInformation<RuleCandidate> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new OwnSerializerType<>(RuleCandidate.class, RuleCandidateSerializer.INSTANCE);
        }
    }
}
