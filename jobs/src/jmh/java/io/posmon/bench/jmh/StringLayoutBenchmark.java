package io.posmon.bench.jmh;

import io.posmon.operators.state.OwnSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.types.StringValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One identifier in Flink's {@code StringValue} layout, as state serializers and the contribution
 * schedule's checkpoint copy write customer and merchant ids, and the pattern operator reads its
 * taken transactions back: {@code write} through {@link OwnSerializers#writeString} (an ASCII string
 * as one array), {@code writeStringValue} through Flink's {@code StringValue} (a call on the stream
 * per char), same bytes; {@code readStringValue} through Flink's, which {@link
 * OwnSerializers#readString} is (an ASCII string read as one array, tried on 2026-12-07, took 37 ns
 * against its 23).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class StringLayoutBenchmark {

    private final String[] ids = new String[256];
    private final DataOutputSerializer out = new DataOutputSerializer(256);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private byte[] written;
    private int i;

    @Setup
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < ids.length; k++) {
            // Ids as the bench's generator makes them: C + 8 digits for customers, M + 6 for merchants.
            ids[k] = random.nextBoolean() ? String.format("C%08d", random.nextInt(100_000_000))
                    : String.format("M%06d", random.nextInt(100_000));
        }
        // In a job, the methods read and write several kinds of stream (Flink's serializers, its
        // checkpoint streams, RocksDB's key builder), so their calls on the stream are not inlined for
        // one: the same here, before anything is measured.
        DataOutput[] outputs = {new DataOutputSerializer(64), new DataOutputViewStreamWrapper(new ByteArrayOutputStream()),
                new DataOutputStream(new ByteArrayOutputStream())};
        DataOutputSerializer all = new DataOutputSerializer(4096);
        for (String id : ids) {
            StringValue.writeString(id, all);
        }
        written = all.getCopyOfBuffer();
        for (int k = 0; k < 3_000; k++) {
            DataInput[] inputs = {new DataInputDeserializer(written), new DataInputViewStreamWrapper(new ByteArrayInputStream(written)),
                    new DataInputStream(new ByteArrayInputStream(written))};
            DataInput source = inputs[k % inputs.length];
            for (int n = 0; n < ids.length; n++) {
                StringValue.readString(source);
            }
        }
        for (int k = 0; k < 300_000; k++) {
            DataOutput o = outputs[k % outputs.length];
            StringValue.writeString(ids[k & 255], o);
            if (o instanceof DataOutputView v) {
                OwnSerializers.writeString(ids[k & 255], v);
            }
            if (k % 1000 == 0) {
                ((DataOutputSerializer) outputs[0]).clear();
                outputs[1] = new DataOutputViewStreamWrapper(new ByteArrayOutputStream());
                outputs[2] = new DataOutputStream(new ByteArrayOutputStream());
            }
        }
    }

    @Benchmark
    public int write() throws IOException {
        out.clear();
        OwnSerializers.writeString(ids[i++ & 255], out);
        return out.length();
    }

    /** The next id of those written one after another; back to the first after the last. */
    private DataInputDeserializer next() {
        if (in.available() == 0) {
            in.setBuffer(written);
        }
        return in;
    }

    @Benchmark
    public String readStringValue() throws IOException {
        return StringValue.readString(next());
    }

    @Benchmark
    public int writeStringValue() throws IOException {
        out.clear();
        StringValue.writeString(ids[i++ & 255], out);
        return out.length();
    }
}
