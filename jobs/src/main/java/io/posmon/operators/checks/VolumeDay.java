package io.posmon.operators.checks;

/** One business day of a merchant's gross approved sales, in total and per local clock hour. */
public class VolumeDay {
    public int day;
    public long amount;
    public int count;
    public long[] hourAmount = new long[24];
    public int[] hourCount = new int[24];
    public boolean dayAlerted;
    /** Bit h is set once the hour window h has alerted. */
    public int hourAlertedMask;

    public VolumeDay() {
    }

    static VolumeDay of(int day) {
        VolumeDay d = new VolumeDay();
        d.day = day;
        return d;
    }
}
