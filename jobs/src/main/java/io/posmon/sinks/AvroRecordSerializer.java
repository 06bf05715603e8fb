package io.posmon.sinks;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.core.memory.ByteArrayOutputStreamWithPos;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Avro-binary values with a string key. The Kafka timestamp is left to the producer (the time the
 * record is written), not taken from event time: replayed or simulated event times may lie outside
 * what the broker accepts, and the desk wants to know when an alert was raised.
 *
 * <p>The bytes are those of Flink's {@code AvroSerializationSchema} (tested), written through a
 * buffered encoder into a reused, unsynchronized buffer: that schema's direct encoder writes each
 * field into a {@code ByteArrayOutputStream}, whose every write takes a lock: Avro writing was
 * about 15% of the contribution operators' samples (they emit up to four records per transaction).
 * The fields are written by a plan compiled once from the schema ({@link CompiledRecordWriter}),
 * not by Avro's writer, which interprets the schema at every field.
 */
final class AvroRecordSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {

    /** The record's Kafka key. */
    @FunctionalInterface
    interface KeyOf<T> extends Serializable {
        String of(T record);
    }

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> key;
    /** The schema's compiled plan; null where it has a part the plan does not cover. */
    private transient CompiledRecordWriter plan;
    /** Avro's writer, only for a schema without a plan. */
    private transient SpecificDatumWriter<T> writer;
    private transient ByteArrayOutputStreamWithPos buffer;
    private transient BinaryEncoder encoder;

    AvroRecordSerializer(String topic, Class<T> type, KeyOf<T> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        // The generated class's own model: it carries the conversions of its logical types (dates, instants).
        SpecificData model = SpecificData.getForClass(type);
        plan = CompiledRecordWriter.forSchema(model.getSchema(type), model);
        writer = plan != null ? null : new SpecificDatumWriter<>(model.getSchema(type), model);
        buffer = new ByteArrayOutputStreamWithPos(512);
        encoder = EncoderFactory.get().binaryEncoder(buffer, null);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, key.of(element).getBytes(StandardCharsets.UTF_8), value(element));
    }

    /** The record's Avro binary encoding. */
    byte[] value(T element) {
        if (buffer == null) {
            open(null, null);
        }
        try {
            buffer.reset();
            if (plan != null) {
                plan.write(element, encoder);
            } else {
                writer.write(element, encoder);
            }
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a " + type.getSimpleName(), e);
        }
    }
}
