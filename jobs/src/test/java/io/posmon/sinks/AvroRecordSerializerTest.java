package io.posmon.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TierChange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sinks' serializer writes the same bytes as Flink's AvroSerializationSchema and Avro's
 * SpecificDatumWriter (through its compiled plan), for every field of every output.
 */
class AvroRecordSerializerTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void writesTheBytesOfFlinksAvroSchemaForEveryOutputRecord(boolean nullsWherePossible) throws Exception {
        SplittableRandom random = new SplittableRandom(nullsWherePossible ? 1 : 2);
        for (Class<? extends SpecificRecordBase> type : List.of(CustomerContribution.class, MerchantAlert.class,
                TierChange.class, DeadLetter.class, PosTransaction.class, io.posmon.schema.RuleSetStatus.class)) {
            sameBytes(type, random, nullsWherePossible);
        }
    }

    private static <T extends SpecificRecordBase> void sameBytes(Class<T> type, SplittableRandom random, boolean nulls)
            throws Exception {
        AvroRecordSerializer<T> ours = new AvroRecordSerializer<>("topic", type, r -> "key");
        AvroSerializationSchema<T> flinks = AvroSerializationSchema.forSpecific(type);
        flinks.open(null);
        var model = org.apache.avro.specific.SpecificData.getForClass(type);
        assertThat(CompiledRecordWriter.forSchema(schemaOf(type), model)).as("%s has a compiled plan", type.getSimpleName())
                .isNotNull();
        org.apache.avro.specific.SpecificDatumWriter<T> avros = new org.apache.avro.specific.SpecificDatumWriter<>(schemaOf(type), model);
        // Many records through the same serializer: its buffer and encoder are reused.
        for (int i = 0; i < 200; i++) {
            T record = AvroKafka.decode(encode(filled(schemaOf(type), random, nulls)), type);
            byte[] expected = flinks.serialize(record);
            ByteArrayOutputStream avroOut = new ByteArrayOutputStream();
            BinaryEncoder avroEncoder = EncoderFactory.get().binaryEncoder(avroOut, null);
            avros.write(record, avroEncoder);
            avroEncoder.flush();
            assertThat(expected).as("Flink's and Avro's bytes").isEqualTo(avroOut.toByteArray());
            assertThat(ours.value(record)).as("%s #%d", type.getSimpleName(), i).isEqualTo(expected);
            ProducerRecord<byte[], byte[]> sent = ours.serialize(record, null, null);
            assertThat(sent.topic()).isEqualTo("topic");
            assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("key");
            assertThat(sent.value()).isEqualTo(expected);
            assertThat(AvroKafka.decode(sent.value(), type)).isEqualTo(record);
        }
    }

    private static Schema schemaOf(Class<? extends SpecificRecordBase> type) throws Exception {
        return (Schema) type.getField("SCHEMA$").get(null);
    }

    private static byte[] encode(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A record with every field set: random values, long and non-ASCII strings among them. */
    private static GenericRecord filled(Schema schema, SplittableRandom random, boolean nulls) {
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.pos(), value(f.schema(), random, nulls));
        }
        return r;
    }

    private static Object value(Schema s, SplittableRandom random, boolean nulls) {
        return switch (s.getType()) {
            case RECORD -> filled(s, random, nulls);
            case UNION -> {
                Schema nonNull = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
                yield nulls ? null : value(nonNull, random, nulls);
            }
            case ENUM -> new GenericData.EnumSymbol(s, s.getEnumSymbols().get(random.nextInt(s.getEnumSymbols().size())));
            case STRING -> text(random);
            case INT -> s.getLogicalType() != null ? random.nextInt(0, 40_000) : random.nextInt();
            case LONG -> s.getLogicalType() != null ? random.nextLong(0, 4_000_000_000_000L) : random.nextLong();
            case BOOLEAN -> random.nextBoolean();
            case DOUBLE -> random.nextDouble();
            case BYTES -> {
                byte[] b = new byte[random.nextInt(0, 200)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) random.nextInt();
                }
                yield java.nio.ByteBuffer.wrap(b);
            }
            case MAP -> {
                Map<String, Object> m = new HashMap<>();
                for (int i = random.nextInt(0, 4); i > 0; i--) {
                    m.put(text(random), value(s.getValueType(), random, nulls));
                }
                yield m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (int i = random.nextInt(0, 4); i > 0; i--) {
                    l.add(value(s.getElementType(), random, nulls));
                }
                yield new GenericData.Array<>(s, l);
            }
            default -> throw new IllegalArgumentException("no test value for " + s);
        };
    }

    private static String text(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(0, 3) == 0 ? random.nextInt(300, 3000) : random.nextInt(0, 20);
        for (int i = 0; i < n; i++) {
            b.append(random.nextInt(5) == 0 ? (char) random.nextInt(0x4e00, 0x9fff) : (char) random.nextInt('a', 'z' + 1));
        }
        return b.toString();
    }
}
