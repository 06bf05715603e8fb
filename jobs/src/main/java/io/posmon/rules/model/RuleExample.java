package io.posmon.rules.model;

import io.posmon.schema.AlertStage;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;

/**
 * An example a rule author attaches to rule files ({@code examples:} section): a few merchants and
 * transactions, and the alerts expected from them (none is a valid expectation).
 * {@code ./posmon rules test} runs each through the real job and compares.
 *
 * @param rules    only these rules' alerts are compared (all rules run); empty = every rule's
 * @param currency currency of the amounts, e.g. CNY
 */
public record RuleExample(String name, List<String> rules, String currency, List<Merchant> merchants,
                          List<Transaction> transactions, List<Expected> expect) {

    /** A merchant profile; what is left out takes an ordinary value (ACTIVE, CORPORATE, 60 bps). */
    public record Merchant(String id, String mcc, MerchantScale scale, MerchantStatus status,
                           SettlementAccountType settlement, BigDecimal dailyCreditLimit, Integer feeRateBps,
                           String region) {
    }

    /**
     * A transaction at local time (the engine's time zone), amount in major units. Left out:
     * card CREDIT, type SALE, status APPROVED, a card of its own ({@code cardToken} names a shared one),
     * the merchant's one terminal {@code <merchant>-T1} ({@code terminal} names another).
     */
    public record Transaction(String id, String merchant, LocalDateTime time, BigDecimal amount, CardType card,
                              TransactionType type, TransactionStatus status, String original, String customer,
                              String cardToken, Integer installments, String terminal) {
    }

    /**
     * An expected alert: its rule and merchant, optionally the stage (default TRIGGERED) and the
     * evidence transactions in order.
     */
    public record Expected(String rule, String merchant, AlertStage stage, List<String> transactions) {
    }
}
