package io.posmon.operators.state;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

/**
 * 64-bit fingerprints of ids kept in state instead of the ids themselves (transaction ids a merchant
 * has seen, counterparties of a period): eight bytes in a primitive array instead of a string and a
 * map node each. Two different ids of a set of n share a fingerprint with a probability of about
 * n^2 / 2^65: 10^-11 for 20,000 ids.
 */
public final class Fingerprints {

    private static final HashFunction MURMUR3 = Hashing.murmur3_128();

    private Fingerprints() {
    }

    /** The fingerprint of an id; never 0, which marks a free slot. */
    public static long of(String id) {
        long h = MURMUR3.hashUnencodedChars(id).asLong();
        return h == 0 ? 1 : h;
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
