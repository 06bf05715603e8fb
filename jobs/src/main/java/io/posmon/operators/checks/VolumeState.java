package io.posmon.operators.checks;

/**
 * The current and previous business day of volume, and the baselines computed for the current day
 * and hour (cached so an event reads one small state value, not the history).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CheckStateSerialization.VolumeStateType.class)
public class VolumeState {
    public VolumeDay cur;
    public VolumeDay prev;
    public int firstSeenDay;

    /** Day the cached baselines are for; Integer.MIN_VALUE when none. */
    public int baselineDay = Integer.MIN_VALUE;
    /** Baseline mean = sum / divisor; divisor 0 means the window is not checked (SKIP). */
    public long dayAmountSum;
    public long dayCountSum;
    public long dayDivisor;
    public boolean dayFromPeers;
    public int baselineHour = -1;
    public long hourAmountSum;
    public long hourCountSum;
    public long hourDivisor;
    public boolean hourFromPeers;

    public VolumeState() {
    }
}
