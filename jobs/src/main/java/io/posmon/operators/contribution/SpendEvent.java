package io.posmon.operators.contribution;

import io.posmon.schema.PosTransaction;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * An approved, first-seen transaction with what the contribution pipeline needs of its merchant.
 * The merchant operator (keyed by merchant, where the profile is) makes it; the contribution
 * operators (keyed by customer or by merchant) consume it. A customer's product holdings travel
 * on the same stream, as an event with {@code holdings} and no transaction, so they meet the
 * customer's figures in one keyed operator. It travels through {@link SpendEventSerializer}.
 */
@TypeInfo(SpendEventSerializer.TypeFactory.class)
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
    /** Set (and tx null) when this event is a holdings update of customer {@code holder}. */
    public java.util.List<String> holdings;
    public String holder;

    public static SpendEvent holdings(io.posmon.schema.CustomerHoldings h) {
        SpendEvent e = new SpendEvent();
        e.holder = h.getCustomerId();
        e.holdings = new java.util.ArrayList<>(h.getProducts());
        return e;
    }

    /** The customer this event belongs to (null for a transaction of a card that is not the bank's). */
    public String customerId() {
        return tx == null ? holder : tx.getCustomerId();
    }

    public SpendEvent() {
    }
}
