package io.posmon.operators.checks;

/**
 * Net credit sales of the current and the previous business day: an event a little out of order
 * across local midnight still lands on its own day. Older days are dropped, so state never grows.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CheckStateSerialization.DailyLimitStateType.class)
public class DailyLimitState {
    public int day = Integer.MIN_VALUE;
    public long net;
    public boolean warned;
    public boolean alerted;
    public int prevDay = Integer.MIN_VALUE;
    public long prevNet;
    public boolean prevWarned;
    public boolean prevAlerted;

    public DailyLimitState() {
    }

    /** Makes {@code businessDay} current if it is newer; returns 0 (current), 1 (previous) or -1 (too old). */
    int slotFor(int businessDay) {
        if (businessDay == day) {
            return 0;
        }
        if (businessDay == prevDay) {
            return 1;
        }
        if (businessDay < day) {
            return -1;
        }
        if (day == businessDay - 1) {
            prevDay = day;
            prevNet = net;
            prevWarned = warned;
            prevAlerted = alerted;
        } else {
            prevDay = Integer.MIN_VALUE;
            prevNet = 0;
            prevWarned = false;
            prevAlerted = false;
        }
        day = businessDay;
        net = 0;
        warned = false;
        alerted = false;
        return 0;
    }
}
