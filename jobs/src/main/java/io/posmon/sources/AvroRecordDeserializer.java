package io.posmon.sources;

import io.posmon.carddata.PanGuard;
import io.posmon.records.RecordTypes;
import io.posmon.schema.DeadLetter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Avro-binary Kafka values without ever failing the job: a value that does not decode,
 * or that decodes but fails the record check, becomes a {@link DeadLetter} (Left) with the reason,
 * its topic, partition and offset, and the raw bytes with any card number masked.
 */
public final class AvroRecordDeserializer<T extends SpecificRecordBase>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private final Class<T> type;
    private final RecordCheck<T> check;
    private final RecordRepair<T> repair;
    private transient SpecificDatumReader<T> reader;
    private transient BinaryDecoder decoder;
    private transient Counter repaired;

    public AvroRecordDeserializer(Class<T> type, RecordCheck<T> check) {
        this(type, null, check);
    }

    /** @param repair applied to each decoded record before the check; null for none */
    public AvroRecordDeserializer(Class<T> type, RecordRepair<T> repair, RecordCheck<T> check) {
        this.type = type;
        this.repair = repair;
        this.check = check;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        if (repair != null) {
            repaired = context.getMetricGroup().counter(repair.metricName());
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) throws IOException {
        if (reader == null) {
            reader = new SpecificDatumReader<>(type);
        }
        byte[] value = record.value();
        String problem;
        T decoded = null;
        if (value == null) {
            problem = "empty value (tombstone)";
        } else {
            try {
                decoder = DecoderFactory.get().binaryDecoder(value, decoder);
                decoded = reader.read(null, decoder);
                if (repair != null && decoder.isEnd() && repair.repair(decoded) && repaired != null) {
                    repaired.inc();
                }
                problem = decoder.isEnd() ? check.problem(decoded, record.timestamp()) : "trailing bytes after the " + type.getSimpleName();
            } catch (IOException | RuntimeException e) {
                problem = "not a " + type.getSimpleName() + " in Avro binary: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        if (problem == null) {
            out.collect(Either.Right(decoded));
            return;
        }
        out.collect(Either.Left(DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKafkaTimestamp(record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null)
                .setReason(problem.length() > 1000 ? problem.substring(0, 1000) : problem)
                .setKey(record.key() == null ? null : ByteBuffer.wrap(PanGuard.maskPans(record.key())))
                .setPayload(value == null ? null : ByteBuffer.wrap(PanGuard.maskPans(value)))
                .setDetectedAt(Instant.now())
                .build()));
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), RecordTypes.of(type));
    }
}
