package io.posmon.operators.contribution;

import io.posmon.schema.PosTransaction;

/**
 * An approved, first-seen transaction with what the contribution pipeline needs of its merchant.
 * The merchant operator (keyed by merchant, where the profile is) makes it; the contribution
 * operators (keyed by customer or by merchant) consume it.
 */
public class SpendEvent {
    public PosTransaction tx;
    public String mccGroup;
    public String mcc;
    /** The merchant discount rate; 0 when no profile is known (no fee is assumed). */
    public int feeRateBps;
    public boolean profileKnown;
    public String merchantRegion;
    /** A void or reversal of a sale that an earlier void or reversal already took back. */
    public boolean repeatedUndo;

    public SpendEvent() {
    }
}
