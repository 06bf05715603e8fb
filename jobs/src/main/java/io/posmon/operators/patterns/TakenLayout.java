package io.posmon.operators.patterns;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which fields a transaction taken by a partial match keeps in state ({@link TakenCandidates}), as
 * bits. Nothing reads a taken transaction but its rule's step conditions, through {@code matched},
 * which sees only tx fields, and the alert, which reads each transaction's evidence and the merchant
 * of the match's first transaction ({@link MatchAlert}). So every taken transaction keeps its
 * merchant id and evidence; the first of a match also the merchant's snapshot; and the other tx
 * fields only when the rule's conditions read them from matched transactions. The merchant's group,
 * fee rate, status and settlement type are never kept: only the current transaction's are read.
 * Many-cards-one-customer's condition reads only the card token: in the bench's state part the
 * pattern operator's matches took a fifth less (README, Performance: where the state is).
 */
final class TakenLayout {

    /** Name, MCC, address, region, scale and whether the profile is known: the alert's merchant. */
    static final int MERCHANT = 1;
    static final int CUSTOMER = 1 << 1;
    static final int CARD_TOKEN = 1 << 2;
    static final int TERMINAL = 1 << 3;
    static final int ENTRY_MODE = 1 << 4;
    static final int INSTALLMENTS = 1 << 5;
    static final int HOUR_OF_DAY = 1 << 6;
    static final int DAY_OF_WEEK = 1 << 7;
    static final int ALL_TX_FIELDS = CUSTOMER | CARD_TOKEN | TERMINAL | ENTRY_MODE | INSTALLMENTS | HOUR_OF_DAY | DAY_OF_WEEK;

    /** The tx fields every taken transaction keeps: its merchant id and its evidence. */
    private static final Set<String> ALWAYS = Set.of("merchantId", "transactionId", "eventTimeMillis", "amountMinor",
            "currency", "type", "cardType");
    private static final Map<String, Integer> BITS = Map.of("customerId", CUSTOMER, "cardToken", CARD_TOKEN,
            "terminalId", TERMINAL, "entryMode", ENTRY_MODE, "installments", INSTALLMENTS, "hourOfDay", HOUR_OF_DAY,
            "dayOfWeek", DAY_OF_WEEK);

    private TakenLayout() {
    }

    /** The tx field bits the steps' conditions need from taken transactions; all when one of them does not say. */
    static int txFieldsReadBy(List<CountedSteps.Step> steps) {
        int bits = 0;
        for (CountedSteps.Step step : steps) {
            Set<String> read = step.when().matchedFieldsRead();
            if (read == null) {
                return ALL_TX_FIELDS;
            }
            for (String field : read) {
                Integer bit = BITS.get(field);
                if (bit != null) {
                    bits |= bit;
                } else if (!ALWAYS.contains(field)) {
                    return ALL_TX_FIELDS; // a field this class does not know: keep everything
                }
            }
        }
        return bits;
    }
}
