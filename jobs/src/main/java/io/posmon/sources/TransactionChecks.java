package io.posmon.sources;

import io.posmon.operators.EngineConfig;
import io.posmon.carddata.PanGuard;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import java.time.Instant;
import java.util.Currency;
import java.util.Set;
import java.util.stream.Collectors;

/** What makes a decoded transaction or profile unusable; such records go to the dead-letter topic. */
public final class TransactionChecks {

    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    private TransactionChecks() {
    }

    /** The checks at the job's Kafka source: the record's content, its amount and its time against when it arrived. */
    public static RecordCheck<PosTransaction> atIngest(EngineConfig engine) {
        long maxAmount = engine.maxAmountMinor();
        long maxAhead = engine.maxEventTimeAheadMillis();
        return (tx, ingestTime) -> {
            String problem = transactionProblem(tx, maxAmount);
            if (problem == null && ingestTime >= 0 && tx.getEventTime().toEpochMilli() > ingestTime + maxAhead) {
                problem = "eventTime " + tx.getEventTime() + " is more than maxEventTimeAhead (" + maxAhead / 1000
                        + " s) after the record reached Kafka (" + Instant.ofEpochMilli(ingestTime) + ")";
            }
            return problem;
        };
    }

    /** What is wrong with a transaction's content, or null; {@code maxAmountMinor} from engine.yaml. */
    public static String transactionProblem(PosTransaction tx, long maxAmountMinor) {
        if (tx.getTransactionId().isBlank()) {
            return "transactionId is empty";
        }
        if (tx.getMerchantId().isBlank()) {
            return "merchantId is empty";
        }
        if (tx.getAmountMinor() <= 0) {
            return "amountMinor must be positive (the type says the direction), got " + tx.getAmountMinor();
        }
        if (tx.getAmountMinor() > maxAmountMinor) {
            return "amountMinor " + tx.getAmountMinor() + " is above maxAmountMinor " + maxAmountMinor + " (engine.yaml)";
        }
        if (!CURRENCIES.contains(tx.getCurrency())) {
            return "unknown currency '" + tx.getCurrency() + "' (ISO 4217 expected)";
        }
        // Never let a clear card number into state or outputs: the record is dead-lettered, masked.
        // (A clear one in cardToken or maskedPan was tokenized at decoding when a key is configured.)
        if (PanGuard.containsClearPan(tx.getMaskedPan()) || PanGuard.containsClearPan(tx.getCardToken())) {
            return "a clear card number (PAN) in maskedPan or cardToken, and no --pan-key-file to tokenize it";
        }
        for (CharSequence field : new CharSequence[] {tx.getTransactionId(), tx.getMerchantId(), tx.getTerminalId(),
                tx.getCustomerId(), tx.getOriginalTransactionId(), tx.getCustomerRegion()}) {
            if (PanGuard.containsClearPan(field)) {
                return "a clear card number (PAN) in a field that is not a card field";
            }
        }
        return null;
    }

    public static String profileProblem(MerchantProfile p) {
        if (p.getMerchantId().isBlank()) {
            return "merchantId is empty";
        }
        if (p.getMcc() == null || !p.getMcc().matches("\\d{4}")) {
            return "mcc must be 4 digits, got '" + p.getMcc() + "'";
        }
        if (p.getFeeRateBps() < 0 || p.getFeeRateBps() > 10_000) {
            return "feeRateBps must be between 0 and 10000, got " + p.getFeeRateBps();
        }
        Long own = p.getDailyCreditLimitMinor();
        if (own != null && own <= 0) {
            return "dailyCreditLimitMinor must be positive when set, got " + own;
        }
        return null;
    }
}
