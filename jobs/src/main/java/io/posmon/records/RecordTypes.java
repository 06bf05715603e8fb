package io.posmon.records;

import io.posmon.operators.state.OwnSerializers;
import io.posmon.schema.PosTransaction;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The Flink types of the Avro records flowing through the jobs. The transaction, the one record of
 * every event, has a serializer of its own ({@link PosTransactionSerializer}); the others, an
 * alert or a profile at a time, keep Flink's Avro serializer. A generated class cannot name its
 * serializer with {@code @TypeInfo}, so {@code TypeInformation.of(PosTransaction.class)} still gives
 * Flink's Avro type: declare transactions with {@link #TRANSACTION}.
 */
public final class RecordTypes {

    public static final TypeInformation<PosTransaction> TRANSACTION =
            new OwnSerializers.Type<>(PosTransaction.class, PosTransactionSerializer.INSTANCE);

    private RecordTypes() {
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecordBase> TypeInformation<T> of(Class<T> type) {
        return type == PosTransaction.class ? (TypeInformation<T>) TRANSACTION : new AvroTypeInfo<>(type);
    }
}
