package io.posmon.operators;

import io.posmon.schema.CardType;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import java.time.Instant;

/** A transaction kept in state as possible evidence: the masked PAN only, never a card number. */
public class EvidenceItem {
    public String transactionId;
    public long eventTime;
    public long amountMinor;
    public String currency;
    public TransactionType type;
    public CardType cardType;
    public String maskedPan;

    public EvidenceItem() {
    }

    public static EvidenceItem of(PosTransaction tx) {
        EvidenceItem e = new EvidenceItem();
        e.transactionId = tx.getTransactionId();
        e.eventTime = tx.getEventTime().toEpochMilli();
        e.amountMinor = tx.getAmountMinor();
        e.currency = tx.getCurrency();
        e.type = tx.getType();
        e.cardType = tx.getCardType();
        e.maskedPan = tx.getMaskedPan();
        return e;
    }

    public EvidenceTransaction toAvro() {
        return EvidenceTransaction.newBuilder()
                .setTransactionId(transactionId)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setAmountMinor(amountMinor)
                .setCurrency(currency)
                .setType(type)
                .setCardType(cardType)
                .setMaskedPan(maskedPan)
                .build();
    }
}
