package io.posmon.operators.contribution;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.Arrays;

/**
 * The distinct counterparties of one period (cards of a merchant, merchants of a customer) as 64-bit
 * fingerprints kept with the period's figures: eight bytes a counterparty in one stored value,
 * instead of a map entry of its whole id (about 60 bytes in RocksDB, and a read of the backend at
 * every sale). Two different ids count as one only if their fingerprints are equal: among the n
 * counterparties of one period that happens with a probability of about n^2 / 2^65 (10^-11 for
 * 20,000 cards in a month).
 *
 * <p>{@code prints} holds the fingerprints in the order first seen, then zeros (room to grow by
 * about an eighth, so that adding one does not copy the array each time). A transient hash index
 * answers "seen before?" once a period has more than a few; it is rebuilt after the figures are read
 * back from state.
 */
final class CounterpartyPrints {

    /** No fingerprints yet, or none any more (a closed period keeps only its count). */
    static final long[] NONE = new long[0];

    private static final HashFunction MURMUR3 = Hashing.murmur3_128();
    /** Up to this many, a scan of the prints is cheaper than an index. */
    private static final int SCAN_AT_MOST = 16;

    private CounterpartyPrints() {
    }

    /** The fingerprint of a counterparty id; never 0 (0 marks a free slot). */
    static long of(String id) {
        long h = MURMUR3.hashUnencodedChars(id).asLong();
        return h == 0 ? 1 : h;
    }

    /** Adds the fingerprint to the period's; true when it was not there (a new counterparty). */
    static boolean add(PeriodFigures f, long print) {
        int n = f.distinctCounterparties;
        long[] prints = f.counterpartyPrints;
        if (f.closed) {
            return false; // its ids are forgotten and its count final
        }
        if (n <= SCAN_AT_MOST) {
            for (int i = 0; i < n; i++) {
                if (prints[i] == print) {
                    return false;
                }
            }
        } else {
            if (f.printIndex == null || f.printIndex.size != n) {
                f.printIndex = Index.of(prints, n);
            }
            if (!f.printIndex.add(print)) {
                return false;
            }
        }
        if (n == prints.length) {
            prints = Arrays.copyOf(prints, n + Math.max(4, n / 8));
            f.counterpartyPrints = prints;
        }
        prints[n] = print;
        f.distinctCounterparties = n + 1;
        if (f.printIndex != null && f.printIndex.size != n + 1) {
            f.printIndex = null;
        }
        return true;
    }

    /** Open addressing on the fingerprints themselves (they are already well mixed). */
    static final class Index {
        private long[] slots;
        int size;

        static Index of(long[] prints, int n) {
            Index index = new Index();
            index.slots = new long[Integer.highestOneBit(Math.max(16, n) * 2) * 2];
            for (int i = 0; i < n; i++) {
                index.add(prints[i]);
            }
            return index;
        }

        /** True when added, false when already there. */
        boolean add(long print) {
            if ((size + 1) * 2 > slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long p : old) {
                    if (p != 0) {
                        add(p);
                    }
                }
            }
            int mask = slots.length - 1;
            for (int i = (int) (print ^ (print >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (slots[i] == print) {
                    return false;
                }
                if (slots[i] == 0) {
                    slots[i] = print;
                    size++;
                    return true;
                }
            }
        }
    }
}
