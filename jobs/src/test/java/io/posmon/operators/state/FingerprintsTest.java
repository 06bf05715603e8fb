package io.posmon.operators.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.common.hash.Hashing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    /** What fingerprints in savepoints were made with before the hash was computed in place. */
    private static long guava(String id) {
        long h = Hashing.murmur3_128().hashUnencodedChars(id).asLong();
        return h == 0 ? 1 : h;
    }

    @Test
    void equalToGuavaMurmur3ForEveryLengthAroundTheBlocks() {
        SplittableRandom random = new SplittableRandom(20261204);
        for (int length = 0; length <= 40; length++) {
            for (int n = 0; n < 200; n++) {
                StringBuilder id = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    // all of the char range: ASCII ids, non-Latin text, lone surrogates, 0xFFFF
                    id.append(n % 2 == 0 ? (char) random.nextInt(0x20, 0x7f) : (char) random.nextInt(0x10000));
                }
                String s = id.toString();
                assertEquals(guava(s), Fingerprints.of(s), () -> "fingerprint of " + s.codePoints().boxed().toList());
            }
        }
    }

    @Test
    void equalToGuavaForTheEnginesIds() {
        for (String id : new String[] {"", "T1", "TX-2026-11-01-000001", "M000042", "C0000099", "支付-42"}) {
            assertEquals(guava(id), Fingerprints.of(id), id);
        }
    }

    @Test
    void idsDifferingInOneCharDiffer() {
        assertNotEquals(Fingerprints.of("TX-000001"), Fingerprints.of("TX-000002"));
        assertNotEquals(Fingerprints.of("ab"), Fingerprints.of("ba"));
    }
}
