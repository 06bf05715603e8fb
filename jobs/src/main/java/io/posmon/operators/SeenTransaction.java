package io.posmon.operators;

/**
 * What the per-merchant operator remembers of a transaction it has counted: enough to spot a
 * retransmission of the same transactionId and to undo a sale when its void or reversal arrives.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(MerchantStateSerialization.SeenTransactionType.class)
public class SeenTransaction {
    public long eventTime;
    public long amountMinor;
    public int businessDay;
    /** An approved credit-card sale or completion, in the amount it counted for. */
    public boolean creditSale;
    /** A void or reversal of it has already been applied. */
    public boolean undone;

    public SeenTransaction() {
    }
}
