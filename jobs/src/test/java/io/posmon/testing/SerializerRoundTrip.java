package io.posmon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Writes a value with a serializer and reads it back, with the serializer and with one restored from its snapshot. */
public final class SerializerRoundTrip {

    private SerializerRoundTrip() {
    }

    /** The bytes {@code serializer} writes for {@code value}. */
    public static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    /** The value read back; fails unless every byte written was read, and the restored serializer reads the same. */
    @SuppressWarnings("unchecked")
    public static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        byte[] written = bytes(serializer, value);
        DataInputDeserializer in = new DataInputDeserializer(written);
        T read = serializer.deserialize(in);
        assertThat(in.available()).isZero();
        assertThat(restored(serializer).deserialize(new DataInputDeserializer(written)))
                .usingRecursiveComparison().isEqualTo(read);
        return read;
    }

    /** The serializer as a restart makes it: from its snapshot, written and read back. */
    @SuppressWarnings("unchecked")
    public static <T> TypeSerializer<T> restored(TypeSerializer<T> serializer) throws Exception {
        return (TypeSerializer<T>) snapshotReadBack(serializer).restoreSerializer();
    }

    @SuppressWarnings("unchecked")
    public static <T> TypeSerializerSnapshot<T> snapshotReadBack(TypeSerializer<T> serializer) throws Exception {
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, serializer.snapshotConfiguration());
        return (TypeSerializerSnapshot<T>) TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshot.getCopyOfBuffer()), SerializerRoundTrip.class.getClassLoader());
    }
}
