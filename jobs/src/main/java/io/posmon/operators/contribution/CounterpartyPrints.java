package io.posmon.operators.contribution;

import io.posmon.operators.state.Fingerprints;
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

    /** Up to this many, a scan of the prints is cheaper than an index. */
    private static final int SCAN_AT_MOST = 16;

    private CounterpartyPrints() {
    }

    /** The fingerprint of a counterparty id; never 0 (0 marks a free slot). */
    static long of(String id) {
        return Fingerprints.of(id);
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
            if (f.printIndex == null || f.printIndex.size() != n) {
                f.printIndex = Fingerprints.Index.of(prints, n);
            }
            if (f.printIndex.putIfAbsent(print, n) >= 0) {
                return false;
            }
        }
        if (n == prints.length) {
            prints = Arrays.copyOf(prints, n + Math.max(4, n / 8));
            f.counterpartyPrints = prints;
        }
        prints[n] = print;
        f.distinctCounterparties = n + 1;
        if (f.printIndex != null && f.printIndex.size() != n + 1) {
            f.printIndex = null;
        }
        return true;
    }
}
