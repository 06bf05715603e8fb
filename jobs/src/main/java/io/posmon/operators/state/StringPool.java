package io.posmon.operators.state;

/**
 * One copy of each often repeated string that deserializers produce (a currency, a region, an MCC),
 * so that what a keyed operator keeps on
 * the heap for a while refers to it instead of to a string and an array of its own per record. Every
 * such copy that survives a young collection is copied by it, and later marked by each full one:
 * in the bench's heap histogram, strings and their arrays were 43% of the live heap.
 *
 * <p>A direct-mapped table by hash: a string whose slot holds an equal one gets that one; otherwise
 * it takes the slot. A miss costs nothing but the copy it would have cost anyway, so the table never
 * needs to be complete. Shared by every thread: strings are immutable and safely published, and a
 * reference is written whole, so a race costs at most a miss.
 */
public final class StringPool {

    private final String[] slots;
    private final int mask;

    /** @param slots rounded up to a power of two */
    public StringPool(int slots) {
        int size = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
        this.slots = new String[size];
        this.mask = size - 1;
    }

    /** The pooled string equal to {@code s}, which becomes the pooled one if there is none; null stays null. */
    public String canonical(String s) {
        if (s == null) {
            return null;
        }
        int h = s.hashCode();
        int i = (h ^ (h >>> 16)) & mask;
        String pooled = slots[i];
        if (pooled != null && pooled.equals(s)) {
            return pooled;
        }
        slots[i] = s;
        return s;
    }

    /**
     * The engine's pool, for codes and names that take few values (currency, region, MCC, MCC group,
     * status names): nearly every lookup hits, so the shared slots are read, rarely written. Values
     * with many distinct strings (a merchant's name) do not belong here: they miss and write.
     */
    public static final StringPool CODES = new StringPool(4096);
}
