package io.posmon.operators.state;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The parts shared by the engine's hand-written Flink serializers (pattern candidates, the merchant
 * operator's state): Flink's POJO serializer reads and writes every field by reflection, with a null
 * flag per field and fixed-width numbers, which showed in the operators' profiles and in the size of
 * their state. A class names its serializer with {@code @TypeInfo} and a factory returning an
 * {@link Type}, so every {@code TypeInformation.of} of it (network, state descriptors built from the
 * class, flink-cep's shared buffer) uses it.
 */
public final class OwnSerializers {

    private OwnSerializers() {
    }

    /** A serializer of a mutable class written field by field: no reuse, no fixed length. */
    public abstract static class FieldSerializer<T> extends TypeSerializerSingleton<T> {
        private static final long serialVersionUID = 1L;

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

        /** The version of the bytes this serializer writes; a change of layout must raise it. */
        protected int layoutVersion() {
            return 1;
        }

        /**
         * A serializer that reads values of an earlier {@code layout} of this one (and writes the
         * current one), so that state written in it is migrated at restore; null when that layout
         * cannot be read.
         */
        protected FieldSerializer<T> readerOfLayout(int layout) {
            return null;
        }

        @Override
        public TypeSerializerSnapshot<T> snapshotConfiguration() {
            return new LayoutSnapshot<>(getClass().getName(), layoutVersion());
        }
    }

    /**
     * The snapshot of a {@link FieldSerializer}: its class and layout version. State written by Flink's
     * POJO serializer for the same class is migrated at restore; any other serializer or layout is
     * refused as incompatible, rather than read wrongly.
     */
    public static final class LayoutSnapshot<T> implements TypeSerializerSnapshot<T> {
        private String serializerClass;
        private int layout;

        /** For Flink, which creates the snapshot by reflection before {@link #readSnapshot}. */
        public LayoutSnapshot() {
        }

        LayoutSnapshot(String serializerClass, int layout) {
            this.serializerClass = serializerClass;
            this.layout = layout;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(serializerClass);
            out.writeInt(layout);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            serializerClass = in.readUTF();
            layout = in.readInt();
        }

        /** The serializer of this class, or its reader of this snapshot's layout when that is an earlier one. */
        @Override
        public TypeSerializer<T> restoreSerializer() {
            FieldSerializer<T> current = current();
            if (current.layoutVersion() == layout) {
                return current;
            }
            FieldSerializer<T> reader = current.readerOfLayout(layout);
            if (reader == null) {
                throw new IllegalStateException("layout " + layout + " of " + serializerClass
                        + " cannot be read by this version (it writes layout " + current.layoutVersion() + ")");
            }
            return reader;
        }

        @SuppressWarnings("unchecked")
        private FieldSerializer<T> current() {
            try {
                return (FieldSerializer<T>) Class.forName(serializerClass, true, OwnSerializers.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the serializer " + serializerClass + " of a checkpoint cannot be created", e);
            }
        }

        /**
         * As is for the same serializer and layout; after migration from an earlier layout this version
         * reads, or from Flink's POJO serializer of the same class; anything else incompatible.
         */
        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            if (old instanceof LayoutSnapshot<T> o && o.serializerClass.equals(serializerClass)) {
                if (o.layout == layout) {
                    return TypeSerializerSchemaCompatibility.compatibleAsIs();
                }
                if (o.layout < layout && current().readerOfLayout(o.layout) != null) {
                    return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
                }
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return migratedFromPojo(old, current());
        }
    }

    /**
     * State written by Flink's POJO serializer before the class had a serializer of its own
     * (savepoints of earlier versions) is compatible after migration: the backend reads each value
     * with the old serializer and writes it with {@code now}. Anything else is incompatible.
     */
    public static <T> TypeSerializerSchemaCompatibility<T> migratedFromPojo(TypeSerializerSnapshot<T> old,
                                                                            TypeSerializer<T> now) {
        if (old instanceof PojoSerializerSnapshot<T>
                && old.restoreSerializer().createInstance().getClass() == now.createInstance().getClass()) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }

    /** Names a class's own serializer: a subclass per class, given to {@code @TypeInfo}. */
    public abstract static class Factory<T> extends TypeInfoFactory<T> {
        private final Class<T> type;
        private final TypeSerializer<T> serializer;

        protected Factory(Class<T> type, TypeSerializer<T> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public TypeInformation<T> createTypeInfo(java.lang.reflect.Type t, Map<String, TypeInformation<?>> generics) {
            return new Type<>(type, serializer);
        }
    }

    /** The type information of a class with a serializer of its own. */
    public static final class Type<T> extends TypeInformation<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private final TypeSerializer<T> serializer;

        public Type(Class<T> type, TypeSerializer<T> serializer) {
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
            return o instanceof Type<?> other && other.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof Type;
        }
    }

    /**
     * Flink's POJO type of a class, as its type extractor built it before the class named a
     * serializer of its own, and so are its fields of such classes: what savepoints of earlier
     * versions hold, for the migration tests and the serializer benchmark's comparison.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<T> pojoTypeOf(Class<T> type) {
        List<PojoField> fields = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                TypeInformation<?> t = f.getType().isAnnotationPresent(TypeInfo.class)
                        ? pojoTypeOf(f.getType())
                        : TypeExtractor.createTypeInfo(f.getGenericType());
                fields.add(new PojoField(f, (TypeInformation) t));
            }
        }
        return new PojoTypeInfo<>(type, fields);
    }

    // ---- fields

    /**
     * A string in Flink's {@code StringValue} layout, which {@code StringSerializer} writes and state
     * already holds: its length + 1 (0 for null), then each char, both as 7-bit groups. An ASCII
     * char is one byte of itself, so an ASCII string (every identifier here) goes out as one array
     * write of its bytes instead of a call on the output per char; other strings as Flink writes them.
     */
    public static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null || s.length() > ASCII_BULK_MAX) {
            StringValue.writeString(s, out); // null-safe
            return;
        }
        int n = s.length();
        byte[] b = STRING_SCRATCH.get();
        int pos = 0;
        int length = n + 1;
        while (length >= 0x80) {
            b[pos++] = (byte) (length | 0x80);
            length >>>= 7;
        }
        b[pos++] = (byte) length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                StringValue.writeString(s, out); // nothing written yet
                return;
            }
            b[pos + i] = (byte) c;
        }
        out.write(b, 0, pos + n);
    }

    /** Longer strings go char by char: rare here, and the scratch array stays small. */
    private static final int ASCII_BULK_MAX = 1024;
    /**
     * Not the {@link #scratch} array: code that holds that one may write a string meanwhile. A
     * string is copied out of this one before the call returns.
     */
    private static final ThreadLocal<byte[]> STRING_SCRATCH = ThreadLocal.withInitial(() -> new byte[ASCII_BULK_MAX + 5]);

    /**
     * A string in {@code StringValue}'s layout ({@link #writeString}), as Flink reads it: an ASCII
     * string read as one array was slower than this (JMH {@code StringLayoutBenchmark}, 37 against
     * 23 ns an id).
     */
    public static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    /**
     * A string as its UTF-8 bytes behind a length (0 for null, else length + 1). Faster than
     * {@link #writeString} for the ASCII identifiers of a transaction (the JDK encodes and decodes a
     * Latin-1 string as an array copy, where {@code StringValue} goes char by char), but a different
     * layout: for records in flight only, never for state that checkpoints already hold.
     */
    public static void writeUtf8(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeVarInt(b.length + 1, out);
        out.write(b, 0, b.length);
    }

    public static String readUtf8(DataInputView in) throws IOException {
        int lengthPlusOne = readVarInt(in);
        if (lengthPlusOne <= 0) {
            if (lengthPlusOne == 0) {
                return null;
            }
            throw new IOException("a negative string length: the data is corrupt");
        }
        int n = lengthPlusOne - 1;
        // A rare long string gets an array of its own rather than growing the thread's for good.
        byte[] b = n <= SCRATCH_START ? scratch(n) : new byte[n];
        in.readFully(b, 0, n);
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
        out.writeByte(e == null ? -1 : e.ordinal());
    }

    public static <E> E readEnum(E[] values, DataInputView in) throws IOException {
        int ordinal = in.readByte();
        if (ordinal >= values.length || ordinal < -1) {
            throw new IOException("enum ordinal " + ordinal + " of " + values.length + " values: the data is corrupt");
        }
        return ordinal < 0 ? null : values[ordinal];
    }

    /**
     * A long in 1-10 bytes, small magnitudes first (zigzag, then 7 bits a byte, as protobuf and Avro
     * do): amounts in minor units, counts and day numbers mostly take 1-4 bytes instead of 8.
     */
    public static void writeVarLong(long v, DataOutputView out) throws IOException {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    public static long readVarLong(DataInputView in) throws IOException {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new IOException("a variable-length number longer than 10 bytes: the data is corrupt");
    }

    /**
     * {@link #writeVarLong}'s bytes into {@code buf} at {@code pos}; returns the position after them.
     * For a large value written number by number, filling an array and writing it once is several
     * times faster than a call on the output per byte.
     */
    public static int putVarLong(long v, byte[] buf, int pos) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[pos++] = (byte) z;
        return pos;
    }

    /** Room for {@code size} bytes, reused by each thread (serializers are shared between a job's tasks). */
    public static byte[] scratch(int size) {
        byte[] b = SCRATCH.get();
        if (b.length < size) {
            b = new byte[Math.max(size, b.length * 2)];
            SCRATCH.set(b);
        }
        return b;
    }

    private static final int SCRATCH_START = 4096;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_START]);

    /**
     * Reads what {@link #putVarLong} wrote into an array: a large value written with its length
     * first is read in one {@code readFully} and decoded here, several times faster than a call on
     * the input per byte.
     */
    public static final class ArrayReader {
        private final byte[] buf;
        private final int end;
        private int pos;

        /** The next {@code length} bytes of {@code in}, read into this thread's scratch array. */
        public static ArrayReader readFully(DataInputView in, int length) throws IOException {
            if (length < 0) {
                throw new IOException("a negative length: the data is corrupt");
            }
            byte[] b = scratch(length);
            in.readFully(b, 0, length);
            return new ArrayReader(b, length);
        }

        private ArrayReader(byte[] buf, int end) {
            this.buf = buf;
            this.end = end;
        }

        public int unsignedByte() throws IOException {
            if (pos >= end) {
                throw new IOException("a value shorter than its length says: the data is corrupt");
            }
            return buf[pos++] & 0xFF;
        }

        public long varLong() throws IOException {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = unsignedByte();
                z |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IOException("a variable-length number longer than 10 bytes: the data is corrupt");
        }

        public int varInt() throws IOException {
            long v = varLong();
            if (v != (int) v) {
                throw new IOException("a number out of int range where an int was written: the data is corrupt");
            }
            return (int) v;
        }

        /** Fails unless every byte of the value was read. */
        public void end() throws IOException {
            if (pos != end) {
                throw new IOException("a value longer than its fields: the data is corrupt");
            }
        }
    }

    public static void writeVarInt(int v, DataOutputView out) throws IOException {
        writeVarLong(v, out);
    }

    public static int readVarInt(DataInputView in) throws IOException {
        long v = readVarLong(in);
        if (v != (int) v) {
            throw new IOException("a number out of int range where an int was written: the data is corrupt");
        }
        return (int) v;
    }
}
