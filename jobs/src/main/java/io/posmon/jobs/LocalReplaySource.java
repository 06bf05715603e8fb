package io.posmon.jobs;

import io.posmon.records.RecordTypes;
import io.posmon.schema.DeadLetter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;

/**
 * A bounded source of records held in this JVM, for replays on a local Flink runtime (rule
 * examples, backtests): the job graph carries only a handle, not the records, and the source
 * counts what it has emitted so a console can show progress. Read in order at parallelism 1.
 */
public final class LocalReplaySource {

    private static final Map<String, List<?>> RECORDS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> EMITTED = new ConcurrentHashMap<>();

    /** The records registered for one replay; {@link #close()} forgets them. */
    public static final class Handle<T extends SpecificRecordBase> implements AutoCloseable {
        private final String id;
        private final DataGeneratorSource<Either<DeadLetter, T>> source;

        private Handle(String id, DataGeneratorSource<Either<DeadLetter, T>> source) {
            this.id = id;
            this.source = source;
        }

        public DataGeneratorSource<Either<DeadLetter, T>> source() {
            return source;
        }

        public long emitted() {
            return EMITTED.get(id).get();
        }

        @Override
        public void close() {
            RECORDS.remove(id);
            EMITTED.remove(id);
        }
    }

    private LocalReplaySource() {
    }

    public static <T extends SpecificRecordBase> Handle<T> of(List<T> records, Class<T> type) {
        String id = UUID.randomUUID().toString();
        RECORDS.put(id, List.copyOf(records));
        EMITTED.put(id, new AtomicLong());
        TypeInformation<Either<DeadLetter, T>> info = new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class),
                RecordTypes.of(type));
        return new Handle<>(id, new DataGeneratorSource<>(new Lookup<>(id), records.size(), info));
    }

    /** Record number n of the replay, as a decoded record. */
    private static final class Lookup<T> implements GeneratorFunction<Long, Either<DeadLetter, T>> {
        private final String id;

        Lookup(String id) {
            this.id = id;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Either<DeadLetter, T> map(Long index) {
            EMITTED.get(id).incrementAndGet();
            return Either.Right((T) RECORDS.get(id).get(index.intValue()));
        }
    }
}
