package io.posmon.operators;

import io.posmon.schema.CardType;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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

    /** The last {@code limit} of the items that pass the filter, oldest first, as alert evidence. */
    public static List<EvidenceTransaction> latest(List<EvidenceItem> items, Predicate<EvidenceItem> filter, int limit) {
        List<EvidenceTransaction> out = new ArrayList<>();
        for (EvidenceItem e : items) {
            if (filter.test(e)) {
                out.add(e.toAvro());
            }
        }
        return out.size() > limit ? out.subList(out.size() - limit, out.size()) : out;
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
