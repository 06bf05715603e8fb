package io.posmon.operators;

import io.posmon.operators.state.Fingerprints;
import java.util.Arrays;

/**
 * The transactions a merchant counted in one dedupe step (an eighth of the dedupe horizon): for each,
 * the fingerprint of its id and what {@link SeenTransaction} holds, in primitive arrays in the order
 * counted. One stored value per step, instead of a map entry (a string, an object, a node) per id:
 * about 16 bytes an id in state and 30 on the heap, where the ids themselves took about 28 and 200.
 * A step is forgotten whole once the horizon has passed its last transaction.
 *
 * <p>A few ids are scanned; above that a transient {@link Fingerprints.Index} finds them, rebuilt
 * after the value is read back from state.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(MerchantStateSerialization.SeenIdsType.class)
public final class SeenIds {

    static final int CREDIT_SALE = 1;
    static final int UNDONE = 2;
    /** Up to this many, a scan of the fingerprints is cheaper than an index. */
    private static final int SCAN_AT_MOST = 16;

    int size;
    long[] prints;
    long[] eventTimes;
    long[] amounts;
    int[] businessDays;
    byte[] flags;
    private transient Fingerprints.Index index;

    public SeenIds() {
        this(4);
    }

    SeenIds(int capacity) {
        prints = new long[capacity];
        eventTimes = new long[capacity];
        amounts = new long[capacity];
        businessDays = new int[capacity];
        flags = new byte[capacity];
    }

    public int size() {
        return size;
    }

    /** The position of the fingerprint, or -1. */
    int find(long print) {
        if (size <= SCAN_AT_MOST) {
            for (int i = 0; i < size; i++) {
                if (prints[i] == print) {
                    return i;
                }
            }
            return -1;
        }
        if (index == null || index.size() != size) {
            index = Fingerprints.Index.of(prints, size);
        }
        return index.positionOf(print);
    }

    /** A copy of what is remembered at the position: changing it changes nothing here (see {@link #set}). */
    SeenTransaction get(int position) {
        SeenTransaction s = new SeenTransaction();
        s.eventTime = eventTimes[position];
        s.amountMinor = amounts[position];
        s.businessDay = businessDays[position];
        s.creditSale = (flags[position] & CREDIT_SALE) != 0;
        s.undone = (flags[position] & UNDONE) != 0;
        return s;
    }

    /** Adds a transaction whose fingerprint is not here (callers ask {@link #find} first). */
    void add(long print, SeenTransaction s) {
        if (size == prints.length) {
            int capacity = size + Math.max(4, size / 4);
            prints = Arrays.copyOf(prints, capacity);
            eventTimes = Arrays.copyOf(eventTimes, capacity);
            amounts = Arrays.copyOf(amounts, capacity);
            businessDays = Arrays.copyOf(businessDays, capacity);
            flags = Arrays.copyOf(flags, capacity);
        }
        prints[size] = print;
        set(size, s);
        if (index != null && index.size() == size) {
            index.putIfAbsent(print, size);
        }
        size++;
    }

    void set(int position, SeenTransaction s) {
        eventTimes[position] = s.eventTime;
        amounts[position] = s.amountMinor;
        businessDays[position] = s.businessDay;
        flags[position] = (byte) ((s.creditSale ? CREDIT_SALE : 0) | (s.undone ? UNDONE : 0));
    }

    long latestEventTime() {
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            latest = Math.max(latest, eventTimes[i]);
        }
        return latest;
    }

    long earliestEventTime() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            earliest = Math.min(earliest, eventTimes[i]);
        }
        return earliest;
    }

    /** The transactions with an event time after {@code time}, in the same order (a new value). */
    SeenIds after(long time) {
        SeenIds kept = new SeenIds(Math.max(4, size));
        for (int i = 0; i < size; i++) {
            if (eventTimes[i] > time) {
                kept.prints[kept.size] = prints[i];
                kept.eventTimes[kept.size] = eventTimes[i];
                kept.amounts[kept.size] = amounts[i];
                kept.businessDays[kept.size] = businessDays[i];
                kept.flags[kept.size] = flags[i];
                kept.size++;
            }
        }
        return kept;
    }

    /** A copy with arrays of its own (the heap backend keeps what it is given). */
    SeenIds copy() {
        SeenIds c = new SeenIds(0);
        c.size = size;
        c.prints = Arrays.copyOf(prints, size);
        c.eventTimes = Arrays.copyOf(eventTimes, size);
        c.amounts = Arrays.copyOf(amounts, size);
        c.businessDays = Arrays.copyOf(businessDays, size);
        c.flags = Arrays.copyOf(flags, size);
        return c;
    }
}
