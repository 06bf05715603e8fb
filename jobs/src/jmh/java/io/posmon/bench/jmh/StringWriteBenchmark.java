package io.posmon.bench.jmh;

import io.posmon.operators.state.OwnSerializers;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataOutputSerializer;
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
 * One identifier written in Flink's {@code StringValue} layout, as state serializers and the
 * contribution schedule's checkpoint copy write customer and merchant ids: {@code ownSerializers}
 * through {@link OwnSerializers#writeString} (an ASCII string in one array write), {@code stringValue}
 * through Flink's {@code StringValue.writeString} (a call on the output per char). Same bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class StringWriteBenchmark {

    private final String[] ids = new String[256];
    private final DataOutputSerializer out = new DataOutputSerializer(256);
    private int i;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < ids.length; k++) {
            // Ids as the bench's generator makes them: C + 8 digits for customers, M + 6 for merchants.
            ids[k] = random.nextBoolean() ? String.format("C%08d", random.nextInt(100_000_000))
                    : String.format("M%06d", random.nextInt(100_000));
        }
    }

    @Benchmark
    public int ownSerializers() throws IOException {
        out.clear();
        OwnSerializers.writeString(ids[i++ & 255], out);
        return out.length();
    }

    @Benchmark
    public int stringValue() throws IOException {
        out.clear();
        StringValue.writeString(ids[i++ & 255], out);
        return out.length();
    }
}
