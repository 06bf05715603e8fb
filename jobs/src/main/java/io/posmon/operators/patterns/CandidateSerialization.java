package io.posmon.operators.patterns;

import static io.posmon.operators.state.OwnSerializers.readEnum;
import static io.posmon.operators.state.OwnSerializers.readString;
import static io.posmon.operators.state.OwnSerializers.writeEnum;
import static io.posmon.operators.state.OwnSerializers.writeString;
import static io.posmon.operators.state.StringPool.CODES;

import io.posmon.operators.MerchantStateSerialization;
import io.posmon.operators.state.OwnSerializers;
import io.posmon.schema.MerchantScale;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializers for the pattern candidates, written field by field. Every candidate crosses the
 * network from the merchant operator to the pattern operator and is kept in the pattern operator's
 * state (queue and shared buffer); Flink's POJO serializer reads and writes each field by
 * reflection, which was a visible part of both operators' profiles. {@link PatternCandidate} and
 * {@link RuleCandidate} name these through {@code @TypeInfo}, so every {@code TypeInformation.of}
 * of them (network, state, flink-cep's shared buffer) uses them.
 *
 * <p>The layout is versioned by the serializer snapshots; state written by the POJO serializer
 * (before 2026-12-01) is migrated at restore ({@link OwnSerializers#migratedFromPojo}).
 */
public final class CandidateSerialization {

    private CandidateSerialization() {
    }

    // ---- fields

    private static final MerchantScale[] SCALES = MerchantScale.values();

    static void writeCandidate(PatternCandidate c, DataOutputView out) throws IOException {
        writeString(c.merchantId, out);
        MerchantStateSerialization.writeEvidence(c.transaction, out);
        writeMerchant(c, out);
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

    /**
     * A candidate is kept by the pattern operator for its rule's window (a day for
     * many-cards-one-customer), so its codes come from the pool: one copy per code instead of six
     * strings per candidate. (The merchant's id, name and address were pooled too until 2026-12-04:
     * 300,000 strings in 131,072 slots missed nearly always, written by both pattern subtasks, and
     * the runs with that pool were the slower ones; see docs/performance-log.md.)
     */
    static PatternCandidate readCandidate(DataInputView in) throws IOException {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = readString(in);
        c.transaction = MerchantStateSerialization.readEvidence(in);
        readMerchant(c, in);
        c.customerId = readString(in);
        c.cardToken = readString(in);
        c.terminalId = readString(in);
        c.entryMode = CODES.canonical(readString(in));
        c.installments = in.readInt();
        c.hourOfDay = in.readByte();
        c.dayOfWeek = in.readByte();
        c.mccGroup = CODES.canonical(readString(in));
        c.feeRateBps = in.readInt();
        c.merchantStatus = CODES.canonical(readString(in));
        c.settlementAccountType = CODES.canonical(readString(in));
        return c;
    }

    /** The merchant's snapshot an alert names: name, MCC, address, region, scale, whether its profile is known. */
    private static void writeMerchant(PatternCandidate c, DataOutputView out) throws IOException {
        writeString(c.merchantName, out);
        writeString(c.mcc, out);
        writeString(c.address, out);
        writeString(c.region, out);
        writeEnum(c.scale, out);
        out.writeBoolean(c.profileKnown);
    }

    private static void readMerchant(PatternCandidate c, DataInputView in) throws IOException {
        c.merchantName = readString(in);
        c.mcc = CODES.canonical(readString(in));
        c.address = readString(in);
        c.region = CODES.canonical(readString(in));
        c.scale = readEnum(SCALES, in);
        c.profileKnown = in.readBoolean();
    }

    /**
     * A taken transaction as a partial match keeps it ({@link TakenLayout}): which fields it holds (one
     * byte), its merchant id and evidence, then the fields named. Absent fields read back as null or 0:
     * nothing reads them.
     */
    static void writeTaken(PatternCandidate c, int fields, DataOutputView out) throws IOException {
        out.writeByte(fields);
        writeString(c.merchantId, out);
        MerchantStateSerialization.writeEvidence(c.transaction, out);
        if ((fields & TakenLayout.MERCHANT) != 0) {
            writeMerchant(c, out);
        }
        if ((fields & TakenLayout.CUSTOMER) != 0) {
            writeString(c.customerId, out);
        }
        if ((fields & TakenLayout.CARD_TOKEN) != 0) {
            writeString(c.cardToken, out);
        }
        if ((fields & TakenLayout.TERMINAL) != 0) {
            writeString(c.terminalId, out);
        }
        if ((fields & TakenLayout.ENTRY_MODE) != 0) {
            writeString(c.entryMode, out);
        }
        if ((fields & TakenLayout.INSTALLMENTS) != 0) {
            out.writeInt(c.installments);
        }
        if ((fields & TakenLayout.HOUR_OF_DAY) != 0) {
            out.writeByte(c.hourOfDay);
        }
        if ((fields & TakenLayout.DAY_OF_WEEK) != 0) {
            out.writeByte(c.dayOfWeek);
        }
    }

    /** Reads what {@link #writeTaken} wrote; {@code fields} receives the fields it holds, when not null. */
    static PatternCandidate readTaken(DataInputView in, int[] fields) throws IOException {
        int f = in.readUnsignedByte();
        if (fields != null) {
            fields[0] = f;
        }
        PatternCandidate c = new PatternCandidate();
        c.merchantId = readString(in);
        c.transaction = MerchantStateSerialization.readEvidence(in);
        if ((f & TakenLayout.MERCHANT) != 0) {
            readMerchant(c, in);
        }
        if ((f & TakenLayout.CUSTOMER) != 0) {
            c.customerId = readString(in);
        }
        if ((f & TakenLayout.CARD_TOKEN) != 0) {
            c.cardToken = readString(in);
        }
        if ((f & TakenLayout.TERMINAL) != 0) {
            c.terminalId = readString(in);
        }
        if ((f & TakenLayout.ENTRY_MODE) != 0) {
            c.entryMode = CODES.canonical(readString(in));
        }
        if ((f & TakenLayout.INSTALLMENTS) != 0) {
            c.installments = in.readInt();
        }
        if ((f & TakenLayout.HOUR_OF_DAY) != 0) {
            c.hourOfDay = in.readByte();
        }
        if ((f & TakenLayout.DAY_OF_WEEK) != 0) {
            c.dayOfWeek = in.readByte();
        }
        return c;
    }

    static PatternCandidate copy(PatternCandidate from) {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = from.merchantId;
        c.transaction = MerchantStateSerialization.copy(from.transaction);
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

    public static final class PatternCandidateSerializer extends OwnSerializers.FieldSerializer<PatternCandidate> {
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

        @Override
        public TypeSerializerSchemaCompatibility<PatternCandidate> resolveSchemaCompatibility(TypeSerializerSnapshot<PatternCandidate> old) {
            TypeSerializerSchemaCompatibility<PatternCandidate> same = super.resolveSchemaCompatibility(old);
            return same.isCompatibleAsIs() ? same : OwnSerializers.migratedFromPojo(old, PatternCandidateSerializer.INSTANCE);
        }
    }

    public static final class RuleCandidateSerializer extends OwnSerializers.FieldSerializer<RuleCandidate> {
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

        @Override
        public TypeSerializerSchemaCompatibility<RuleCandidate> resolveSchemaCompatibility(TypeSerializerSnapshot<RuleCandidate> old) {
            TypeSerializerSchemaCompatibility<RuleCandidate> same = super.resolveSchemaCompatibility(old);
            return same.isCompatibleAsIs() ? same : OwnSerializers.migratedFromPojo(old, RuleCandidateSerializer.INSTANCE);
        }
    }

    // ---- type information, named by @TypeInfo on the classes

    public static final class PatternCandidateTypeFactory extends OwnSerializers.Factory<PatternCandidate> {
        public PatternCandidateTypeFactory() {
            super(PatternCandidate.class, PatternCandidateSerializer.INSTANCE);
        }
    }

    public static final class RuleCandidateTypeFactory extends OwnSerializers.Factory<RuleCandidate> {
        public RuleCandidateTypeFactory() {
            super(RuleCandidate.class, RuleCandidateSerializer.INSTANCE);
        }
    }
}
