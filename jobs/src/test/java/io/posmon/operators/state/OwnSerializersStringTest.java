package io.posmon.operators.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/**
 * {@link OwnSerializers#writeString} writes an ASCII string as one array, but state written with it
 * is read by Flink's {@code StringValue} and {@code StringSerializer}, and state written before it
 * holds their bytes: the bytes must be theirs exactly, for every string.
 */
class OwnSerializersStringTest {

    private static final String OTHER = "\u0080\u00e9\u4e2d\u6587\ud83d\ude00\uffff";

    /** Strings at the edges: lengths where the length takes a second byte, the bulk limit, non-ASCII anywhere. */
    private static List<String> strings(long seed) {
        Random r = new Random(seed);
        List<String> all = new ArrayList<>();
        all.add(null);
        all.add("");
        for (int n : new int[] {1, 2, 125, 126, 127, 128, 129, 1000, 1023, 1024, 1025, 1026, 5000}) {
            all.add(ascii(r, n));
            StringBuilder withOther = new StringBuilder(ascii(r, n));
            withOther.setCharAt(r.nextInt(n), OTHER.charAt(r.nextInt(OTHER.length())));
            all.add(withOther.toString());
            all.add(OTHER.charAt(r.nextInt(OTHER.length())) + ascii(r, n - 1));
            all.add(ascii(r, n - 1) + OTHER.charAt(r.nextInt(OTHER.length())));
        }
        for (int i = 0; i < 2_000; i++) {
            int n = r.nextInt(40);
            StringBuilder s = new StringBuilder();
            for (int j = 0; j < n; j++) {
                s.append(r.nextInt(20) == 0 ? OTHER.charAt(r.nextInt(OTHER.length())) : (char) r.nextInt(0x80));
            }
            all.add(s.toString());
        }
        return all;
    }

    private static String ascii(Random r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) r.nextInt(0x80));
        }
        return s.toString();
    }

    @Test
    void writesTheBytesOfFlinksStringValueForEveryString() throws Exception {
        for (long seed : new long[] {1, 2, 3}) {
            for (String s : strings(seed)) {
                DataOutputSerializer ours = new DataOutputSerializer(16);
                OwnSerializers.writeString(s, ours);
                DataOutputSerializer flinks = new DataOutputSerializer(16);
                StringValue.writeString(s, flinks);
                assertThat(ours.getCopyOfBuffer()).as("%s", s).isEqualTo(flinks.getCopyOfBuffer());
            }
        }
    }

    @Test
    void stringsWrittenOneAfterAnotherAreReadBackByFlinksSerializer() throws Exception {
        List<String> all = strings(4);
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeLong(42);
        for (String s : all) {
            OwnSerializers.writeString(s, out);
            out.writeByte(7);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(in.readLong()).isEqualTo(42);
        for (String s : all) {
            assertThat(StringSerializer.INSTANCE.deserialize(in)).isEqualTo(s);
            assertThat(in.readByte()).isEqualTo((byte) 7);
        }
        assertThat(in.available()).isZero();
    }
}
