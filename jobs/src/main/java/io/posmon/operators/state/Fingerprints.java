package io.posmon.operators.state;

/**
 * 64-bit fingerprints of ids kept in state instead of the ids themselves (transaction ids a merchant
 * has seen, counterparties of a period): eight bytes in a primitive array instead of a string and a
 * map node each. Two different ids of a set of n share a fingerprint with a probability of about
 * n^2 / 2^65: 10^-11 for 20,000 ids.
 */
public final class Fingerprints {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Fingerprints() {
    }

    /**
     * The fingerprint of an id; never 0, which marks a free slot.
     *
     * <p>MurmurHash3 x64 128 (seed 0) of the id's chars as UTF-16LE, first 64 bits: the value Guava's
     * {@code Hashing.murmur3_128().hashUnencodedChars(id).asLong()} gives, which fingerprints in
     * savepoints were made with (a test holds the two equal), computed here without the hasher,
     * buffer and hash code objects Guava allocates per call (2.6% of the bench's allocations).
     */
    public static long of(String id) {
        int n = id.length();
        long h1 = 0;
        long h2 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) { // a 16-byte block is eight chars
            long k1 = chars4(id, i);
            long k2 = chars4(id, i + 4);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int rest = n - i;
        if (rest > 0) {
            long k1 = 0;
            long k2 = 0;
            for (int j = 0; j < rest; j++) {
                long c = id.charAt(i + j);
                if (j < 4) {
                    k1 |= c << (16 * j);
                } else {
                    k2 |= c << (16 * (j - 4));
                }
            }
            h1 ^= mixK1(k1);
            h2 ^= mixK2(k2);
        }
        long length = 2L * n;
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        return h1 == 0 ? 1 : h1;
    }

    private static long chars4(String s, int at) {
        return s.charAt(at)
                | (long) s.charAt(at + 1) << 16
                | (long) s.charAt(at + 2) << 32
                | (long) s.charAt(at + 3) << 48;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /**
     * Where each fingerprint of an array is: open addressing on the fingerprints themselves (already
     * well mixed), for sets too large to scan. Not kept in state: rebuilt from the array after a read.
     */
    public static final class Index {
        private long[] prints;
        private int[] positions;
        private int size;

        private Index(int capacity) {
            int slots = Integer.highestOneBit(Math.max(16, capacity) * 2) * 2;
            prints = new long[slots];
            positions = new int[slots];
        }

        /** The index of the first {@code n} fingerprints of the array, each at its position in it. */
        public static Index of(long[] array, int n) {
            Index index = new Index(n);
            for (int i = 0; i < n; i++) {
                index.putIfAbsent(array[i], i);
            }
            return index;
        }

        public int size() {
            return size;
        }

        /** The position of the fingerprint, or -1. */
        public int positionOf(long print) {
            int mask = prints.length - 1;
            for (int i = slot(print, mask); ; i = (i + 1) & mask) {
                if (prints[i] == print) {
                    return positions[i];
                }
                if (prints[i] == 0) {
                    return -1;
                }
            }
        }

        /** Adds the fingerprint at the position: -1 when added, else the position it already had. */
        public int putIfAbsent(long print, int position) {
            if ((size + 1) * 2 > prints.length) {
                grow();
            }
            int mask = prints.length - 1;
            for (int i = slot(print, mask); ; i = (i + 1) & mask) {
                if (prints[i] == print) {
                    return positions[i];
                }
                if (prints[i] == 0) {
                    prints[i] = print;
                    positions[i] = position;
                    size++;
                    return -1;
                }
            }
        }

        private void grow() {
            long[] oldPrints = prints;
            int[] oldPositions = positions;
            prints = new long[oldPrints.length * 2];
            positions = new int[oldPrints.length * 2];
            size = 0;
            for (int i = 0; i < oldPrints.length; i++) {
                if (oldPrints[i] != 0) {
                    putIfAbsent(oldPrints[i], oldPositions[i]);
                }
            }
        }

        private static int slot(long print, int mask) {
            return (int) (print ^ (print >>> 32)) & mask;
        }
    }
}
