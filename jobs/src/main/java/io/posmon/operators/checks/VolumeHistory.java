package io.posmon.operators.checks;

/**
 * A ring of closed business days, {@code size} long, for the trailing baseline. Read when the hour
 * or day changes, written once a day; never touched by events in between.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CheckStateSerialization.VolumeHistoryType.class)
public class VolumeHistory {
    public int[] days;
    public long[] amount;
    public int[] count;
    public long[] hourAmount;
    public int[] hourCount;

    public VolumeHistory() {
    }

    static VolumeHistory empty(int size) {
        VolumeHistory h = new VolumeHistory();
        h.days = new int[size];
        java.util.Arrays.fill(h.days, Integer.MIN_VALUE);
        h.amount = new long[size];
        h.count = new int[size];
        h.hourAmount = new long[size * 24];
        h.hourCount = new int[size * 24];
        return h;
    }

    void put(VolumeDay d) {
        int i = Math.floorMod(d.day, days.length);
        days[i] = d.day;
        amount[i] = d.amount;
        count[i] = d.count;
        System.arraycopy(d.hourAmount, 0, hourAmount, i * 24, 24);
        System.arraycopy(d.hourCount, 0, hourCount, i * 24, 24);
    }

    /** Index of the day in the ring, or -1 when the day is not held. */
    int indexOf(int day) {
        int i = Math.floorMod(day, days.length);
        return days[i] == day ? i : -1;
    }
}
