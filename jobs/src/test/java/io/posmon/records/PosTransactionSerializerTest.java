package io.posmon.records;

import static io.posmon.testing.SerializerRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.schema.PosTransaction;
import java.io.EOFException;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The transaction's own serializer keeps every field of the schema, at the ends of its range and
 * absent where the schema allows. The records are built by walking the schema, so a field added to
 * the schema is covered here without a change to this test (and the serializer refuses to load
 * until it writes the field).
 */
class PosTransactionSerializerTest {

    private static final PosTransactionSerializer S = PosTransactionSerializer.INSTANCE;

    /** Every field set to a value unlike a new record's: the last enum symbol, extreme numbers, non-null strings. */
    private static PosTransaction everyFieldSet(boolean highEnd) {
        PosTransaction t = new PosTransaction();
        for (Schema.Field f : PosTransaction.getClassSchema().getFields()) {
            Schema type = f.schema().isUnion() ? f.schema().getTypes().get(1) : f.schema();
            Object value = switch (type.getType()) {
                case STRING -> (highEnd ? "漢字-" : "") + f.name() + "-" + f.pos();
                case LONG -> type.getLogicalType() != null
                        ? Instant.ofEpochMilli(highEnd ? 253_402_300_799_999L : -62_135_596_800_000L)
                        : (Object) (highEnd ? Long.MAX_VALUE : Long.MIN_VALUE);
                case INT -> highEnd ? Integer.MAX_VALUE : Integer.MIN_VALUE;
                case ENUM -> enumValue(t, f, highEnd ? type.getEnumSymbols().size() - 1 : 0);
                default -> throw new AssertionError("a field type the test does not build: " + f);
            };
            t.put(f.pos(), value);
        }
        return t;
    }

    private static Object enumValue(PosTransaction t, Schema.Field f, int ordinal) {
        Class<?> enumClass = t.getSpecificData().getClass(f.schema());
        return enumClass.getEnumConstants()[ordinal];
    }

    private static void assertSameFields(PosTransaction actual, PosTransaction expected) {
        for (Schema.Field f : PosTransaction.getClassSchema().getFields()) {
            assertThat(actual.get(f.pos())).as(f.name()).isEqualTo(expected.get(f.pos()));
        }
    }

    @Test
    void everyFieldOfTheSchemaSurvivesTheTrip() throws Exception {
        PosTransaction fresh = new PosTransaction();
        for (boolean highEnd : new boolean[] {true, false}) {
            PosTransaction t = everyFieldSet(highEnd);
            for (Schema.Field f : PosTransaction.getClassSchema().getFields()) {
                assertThat(t.get(f.pos())).as("the test sets " + f.name()).isNotNull().isNotEqualTo(fresh.get(f.pos()));
            }
            assertSameFields(roundTrip(S, t), t);
            assertSameFields(S.copy(t), t);
        }
    }

    @Test
    void absentValuesStayAbsent() throws Exception {
        PosTransaction t = everyFieldSet(true);
        t.setCustomerId(null);
        t.setOriginalTransactionId(null);
        t.setCustomerRegion(null);
        t.put("eventTime", null);
        PosTransaction back = roundTrip(S, t);
        assertSameFields(back, t);
        assertThat(back.getEventTime()).isNull();
        assertSameFields(S.copy(t), t);
    }

    @Test
    void emptyAndLongStringsKeepTheirLength() throws Exception {
        PosTransaction t = everyFieldSet(true);
        t.setTerminalId("");
        t.setCardToken("x".repeat(10_000)); // beyond the 4 KiB scratch array a thread starts with
        t.setMaskedPan("é".repeat(3_000)); // two bytes a char in UTF-8
        assertSameFields(roundTrip(S, t), t);
    }

    @Test
    void aCopyIsANewRecord() {
        PosTransaction t = everyFieldSet(true);
        PosTransaction c = S.copy(t);
        c.setAmountMinor(1);
        assertThat(t.getAmountMinor()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theFieldsWrittenAreTheSchemasInOrder() {
        assertThat(PosTransactionSerializer.FIELDS)
                .isEqualTo(PosTransaction.getClassSchema().getFields().stream().map(Schema.Field::name).toList());
    }

    @Test
    void theJobsTypeUsesIt() {
        assertThat(RecordTypes.TRANSACTION.createSerializer(new SerializerConfigImpl())).isSameAs(S);
        assertThat(RecordTypes.of(PosTransaction.class)).isSameAs(RecordTypes.TRANSACTION);
        assertThat(RecordTypes.of(io.posmon.schema.MerchantAlert.class).createSerializer(new SerializerConfigImpl()))
                .isNotInstanceOf(PosTransactionSerializer.class);
    }

    @Test
    void corruptLengthsAndOrdinalsFailAsIoErrors() throws Exception {
        DataOutputSerializer negativeLength = new DataOutputSerializer(16);
        negativeLength.writeByte(0); // flags
        io.posmon.operators.state.OwnSerializers.writeVarInt(Integer.MIN_VALUE, negativeLength);
        assertThatThrownBy(() -> S.deserialize(new DataInputDeserializer(negativeLength.getCopyOfBuffer())))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> io.posmon.operators.state.OwnSerializers.readEnum(
                io.posmon.schema.CardType.values(), new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("corrupt");
    }

    @Test
    void truncatedBytesFailLoudly() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        S.serialize(everyFieldSet(true), out);
        byte[] cut = Arrays.copyOf(out.getCopyOfBuffer(), out.length() / 2);
        assertThatThrownBy(() -> S.deserialize(new DataInputDeserializer(cut))).isInstanceOf(EOFException.class);
    }
}
