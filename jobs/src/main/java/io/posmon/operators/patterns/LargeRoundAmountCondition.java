package io.posmon.operators.patterns;

import io.posmon.schema.CardType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import java.util.EnumSet;
import java.util.Set;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * "A large, round-amount sale": at least minAmount, an exact multiple of multipleOf, on one of the
 * card types, in the rule's currency. The same predicate filters what the operator sends to CEP.
 */
public final class LargeRoundAmountCondition extends SimpleCondition<PatternCandidate> implements CountedSteps.StepCondition {

    private final String currency;
    private final long minAmountMinor;
    private final long multipleOfMinor;
    private final Set<CardType> cardTypes;

    public LargeRoundAmountCondition(String currency, long minAmountMinor, long multipleOfMinor, Set<CardType> cardTypes) {
        this.currency = currency;
        this.minAmountMinor = minAmountMinor;
        this.multipleOfMinor = multipleOfMinor;
        this.cardTypes = EnumSet.copyOf(cardTypes);
    }

    /** For the operator's pre-filter; the transaction is already approved and first-seen. */
    public boolean accepts(PosTransaction tx) {
        return matches(tx.getType(), tx.getCardType(), tx.getCurrency(), tx.getAmountMinor());
    }

    @Override
    public boolean filter(PatternCandidate c) {
        return matches(c.transaction.type, c.transaction.cardType, c.transaction.currency, c.transaction.amountMinor);
    }

    /** As a step of {@link CountedSteps}: it looks at no earlier transaction. */
    @Override
    public boolean test(PatternCandidate c, io.posmon.rules.expressions.TransactionExpressions.StepEvents matched) {
        return filter(c);
    }

    /** None: it looks at no earlier transaction. */
    @Override
    public java.util.Set<String> matchedFieldsRead() {
        return java.util.Set.of();
    }

    private boolean matches(TransactionType type, CardType cardType, String txCurrency, long amount) {
        return (type == TransactionType.SALE || type == TransactionType.PREAUTH_COMPLETION)
                && cardTypes.contains(cardType)
                && currency.equals(txCurrency)
                && amount >= minAmountMinor
                && amount % multipleOfMinor == 0;
    }
}
