package io.posmon.sinks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding of a generated record, through a plan compiled once from its schema: a
 * writer per field, chosen when the plan is built. Avro's {@code SpecificDatumWriter} interprets the
 * schema at every field of every record: it looks up the field's conversion, switches on the
 * schema's type, and resolves each union by the name of the value's schema, a map lookup. The
 * contribution operators write up to four records per transaction, and that interpretation was a
 * fifth of their samples (JFR, 2026-12-07); Avro has such a plan for reading (its
 * {@code FastReaderBuilder}), not for writing.
 *
 * <p>The bytes are Avro's, through Avro's own {@link Encoder}: {@code AvroRecordSerializerTest}
 * compares them with {@code SpecificDatumWriter}'s and Flink's for every output record type, on
 * random records. A schema with something the plan does not cover (a union other than a type and
 * null, a fixed) gets no plan ({@link #forSchema} returns null) and is written by Avro's writer.
 */
final class CompiledRecordWriter {

    /** Writes one value of the schema it was compiled for. */
    @FunctionalInterface
    interface ValueWriter {
        void write(Object value, Encoder out) throws IOException;
    }

    private final ValueWriter record;

    private CompiledRecordWriter(ValueWriter record) {
        this.record = record;
    }

    /**
     * The plan of a record schema, with the model's conversions for its logical types (a generated
     * class's {@code MODEL$}: dates, instants); null if the schema has a part the plan does not cover.
     */
    static CompiledRecordWriter forSchema(Schema schema, SpecificData model) {
        try {
            return new CompiledRecordWriter(compile(schema, model));
        } catch (Unsupported e) {
            return null;
        }
    }

    void write(IndexedRecord value, Encoder out) throws IOException {
        record.write(value, out);
    }

    /** A part of a schema that the plan leaves to Avro's writer. */
    private static final class Unsupported extends Exception {
        Unsupported(Schema schema) {
            super(schema.toString(), null, false, false);
        }
    }

    private static ValueWriter compile(Schema schema, SpecificData model) throws Unsupported {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            Conversion<?> conversion = model.getConversionFor(logical);
            ValueWriter raw = compileRaw(schema, model);
            if (conversion == null) {
                return raw;
            }
            // As Avro's writer does: a value of the conversion's class is turned into the raw type first.
            Class<?> converted = conversion.getConvertedType();
            return (value, out) -> raw.write(converted.isInstance(value)
                    ? Conversions.convertToRawType(value, schema, logical, conversion) : value, out);
        }
        return compileRaw(schema, model);
    }

    private static ValueWriter compileRaw(Schema schema, SpecificData model) throws Unsupported {
        return switch (schema.getType()) {
            case RECORD -> record(schema, model);
            case UNION -> nullable(schema, model);
            case STRING -> CompiledRecordWriter::string;
            case LONG -> (value, out) -> out.writeLong(((Number) value).longValue());
            case INT -> (value, out) -> out.writeInt(((Number) value).intValue());
            case BOOLEAN -> (value, out) -> out.writeBoolean((Boolean) value);
            case DOUBLE -> (value, out) -> out.writeDouble(((Number) value).doubleValue());
            case FLOAT -> (value, out) -> out.writeFloat(((Number) value).floatValue());
            case NULL -> (value, out) -> out.writeNull();
            // A generated enum's ordinal is its symbol's index (SpecificDatumWriter writes the same).
            case ENUM -> (value, out) -> out.writeEnum(((Enum<?>) value).ordinal());
            case BYTES -> (value, out) -> out.writeBytes((ByteBuffer) value);
            case ARRAY -> array(compile(schema.getElementType(), model));
            case MAP -> map(compile(schema.getValueType(), model));
            default -> throw new Unsupported(schema);
        };
    }

    private static ValueWriter record(Schema schema, SpecificData model) throws Unsupported {
        List<Schema.Field> fields = schema.getFields();
        ValueWriter[] writers = new ValueWriter[fields.size()];
        for (Schema.Field f : fields) {
            writers[f.pos()] = compile(f.schema(), model);
        }
        return (value, out) -> {
            IndexedRecord r = (IndexedRecord) value;
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(r.get(i), out);
            }
        };
    }

    /** A union of a type and null, in either order: the branch is chosen by the value being null. */
    private static ValueWriter nullable(Schema union, SpecificData model) throws Unsupported {
        List<Schema> branches = union.getTypes();
        if (branches.size() != 2) {
            throw new Unsupported(union);
        }
        int nullIndex = branches.get(0).getType() == Schema.Type.NULL ? 0 : 1;
        Schema other = branches.get(1 - nullIndex);
        if (other.getType() == Schema.Type.NULL || branches.get(nullIndex).getType() != Schema.Type.NULL) {
            throw new Unsupported(union);
        }
        ValueWriter writer = compile(other, model);
        int otherIndex = 1 - nullIndex;
        return (value, out) -> {
            if (value == null) {
                out.writeIndex(nullIndex);
                out.writeNull();
            } else {
                out.writeIndex(otherIndex);
                writer.write(value, out);
            }
        };
    }

    private static void string(Object value, Encoder out) throws IOException {
        if (value instanceof Utf8 utf8) {
            out.writeString(utf8);
        } else {
            out.writeString(value.toString());
        }
    }

    private static ValueWriter array(ValueWriter element) {
        return (value, out) -> {
            Collection<?> items = (Collection<?>) value;
            out.writeArrayStart();
            out.setItemCount(items.size());
            for (Object item : items) {
                out.startItem();
                element.write(item, out);
            }
            out.writeArrayEnd();
        };
    }

    private static ValueWriter map(ValueWriter valueWriter) {
        return (value, out) -> {
            Map<?, ?> map = (Map<?, ?>) value;
            out.writeMapStart();
            out.setItemCount(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.startItem();
                out.writeString(e.getKey().toString());
                valueWriter.write(e.getValue(), out);
            }
            out.writeMapEnd();
        };
    }
}
