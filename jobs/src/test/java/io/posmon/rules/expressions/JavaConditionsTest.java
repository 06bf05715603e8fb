package io.posmon.rules.expressions;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.EvidenceItem;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.TransactionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A condition compiled to Java must give CEL's answer on every transaction, and the conditions that
 * use what is not compiled must be left to CEL.
 */
class JavaConditionsTest {

    /** Transactions around the boundaries the expressions below test. */
    private static List<PatternCandidate> candidates() {
        List<PatternCandidate> all = new ArrayList<>();
        long[] amounts = {0, 99_999, 100_000, 100_001, 500_000, Long.MAX_VALUE};
        String[] customers = {"", "C1"};
        String[] groups = {"GROCERY", "BAR", ""};
        int[] hours = {0, 1, 4, 5, 23};
        int n = 0;
        for (long amount : amounts) {
            for (String customer : customers) {
                for (String group : groups) {
                    for (int hour : hours) {
                        PatternCandidate c = new PatternCandidate();
                        c.merchantId = "M" + (n % 3);
                        c.transaction = new EvidenceItem();
                        c.transaction.transactionId = "T" + n;
                        c.transaction.amountMinor = amount;
                        c.transaction.currency = n % 2 == 0 ? "CNY" : "USD";
                        c.transaction.type = n % 4 == 0 ? TransactionType.REFUND : TransactionType.SALE;
                        c.transaction.cardType = n % 3 == 0 ? CardType.DEBIT : CardType.CREDIT;
                        c.transaction.eventTime = 1_700_000_000_000L + n;
                        c.customerId = customer;
                        c.cardToken = "k" + (n % 5);
                        c.mccGroup = group;
                        c.scale = n % 2 == 0 ? MerchantScale.SMALL : null;
                        c.hourOfDay = hour;
                        c.dayOfWeek = 1 + n % 7;
                        c.installments = n % 4;
                        c.profileKnown = n % 5 != 0;
                        all.add(c);
                        n++;
                    }
                }
            }
        }
        return all;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "tx.cardType == 'CREDIT' && tx.customerId != '';true",
            "tx.amountMinor >= 100000;true",
            "tx.amountMinor > 100000 || tx.amountMinor < 1;true",
            "tx.amountMinor <= 100000 && !(tx.amountMinor == 99999);true",
            "tx.hourOfDay >= 1 && tx.hourOfDay < 5 && merchant.mccGroup in ['GROCERY', 'RETAIL', 'HOME'];true",
            "!merchant.known || merchant.scale == 'SMALL';true",
            "(tx.installments > 1 ? tx.currency == 'CNY' : tx.type != 'SALE') && tx.dayOfWeek in [1, 7];true",
            "true;true",
            "tx.currency.startsWith('C');false",
            "tx.amountMinor + 1 > 100000;false",
            "tx.merchantId < 'M1';false",
            "[tx.cardToken].exists(t, t == 'k1');false",
    })
    void compiledConditionsAgreeWithCel(String expression, boolean compiled) {
        TransactionExpressions.Condition condition = TransactionExpressions.condition(expression);
        var cel = TransactionExpressions.program(expression, false);
        assertThat(condition.compiled()).as(expression).isEqualTo(compiled);
        int matching = 0;
        for (PatternCandidate c : candidates()) {
            boolean expected = TransactionExpressions.eval(cel, TransactionExpressions.variables(c));
            assertThat(condition.test(c)).as(expression + " on " + c.transaction.transactionId).isEqualTo(expected);
            matching += expected ? 1 : 0;
        }
        // Each expression above is true for some transactions and false for others, but "true".
        if (!expression.equals("true")) {
            assertThat(matching).as(expression).isBetween(1, candidates().size() - 1);
        }
    }

    /** The steps of the patterns below, and what each has taken so far in the cases tested. */
    private static final List<String> STEPS = List.of("first", "card");

    private static List<Map<String, List<PatternCandidate>>> matchesSoFar() {
        List<PatternCandidate> all = candidates();
        return List.of(
                Map.of("first", List.of(), "card", List.of()),
                Map.of("first", List.of(all.get(5)), "card", List.of()),
                Map.of("first", List.of(all.get(40)), "card", List.of(all.get(1), all.get(2), all.get(3))),
                Map.of("first", List.of(all.get(7), all.get(101)), "card", List.of(all.get(100), all.get(101))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "!matched.card.exists(m, m.cardToken == tx.cardToken);true",
            "tx.amountMinor == matched.first[0].amountMinor;true",
            // left is an error when nothing is matched yet: || and && absorb it when the right side decides
            "matched.first[0].amountMinor == tx.amountMinor || tx.amountMinor > 100000;true",
            "matched.first[0].amountMinor != tx.amountMinor && tx.amountMinor > 100000;true",
            "matched.card.all(m, m.amountMinor < tx.amountMinor);true",
            "matched.card.exists(m, matched.first[1].cardToken == m.cardToken);true",
            "size(matched.card) < 2 && matched.first.size() >= 1;true",
            "matched.card.exists(m, matched.first.exists(f, f.cardToken == m.cardToken && m.hourOfDay >= tx.hourOfDay));true",
            "tx.amountMinor >= 100000;true",
            // errors (nothing matched yet, or an index past the end) under !, &&, ?: and per element
            "!(matched.first[0].amountMinor > 0);true",
            "!(matched.first[0].amountMinor > 0 && tx.amountMinor > 100000);true",
            "!matched.card.exists(m, matched.first[m.installments].amountMinor >= 0);true",
            "!matched.card.all(m, matched.first[m.installments].amountMinor > 0);true",
            "(tx.amountMinor > 100000 ? matched.first[1].amountMinor : tx.amountMinor) >= 100000;true",
            "matched.card.exists(m, m.amountMinor + 1 > 100000);false",
            "matched.card.exists_one(m, m.cardToken == 'k1');false",
            "matched.nope.size() == 0;false",
            "matched.first[0].amountMinor == tx.cardToken;false",
    })
    void stepConditionsAgreeWithCelOnWhatWasMatched(String expression, boolean compiled) {
        TransactionExpressions.Condition condition = TransactionExpressions.stepCondition(expression, STEPS);
        assertThat(condition.compiled()).as(expression).isEqualTo(compiled);
        var cel = TransactionExpressions.program(expression, true);
        int matching = 0;
        int tested = 0;
        for (Map<String, List<PatternCandidate>> soFar : matchesSoFar()) {
            Map<String, List<Map<String, Object>>> matched = new java.util.HashMap<>();
            soFar.forEach((step, taken) -> matched.put(step, taken.stream().map(TransactionExpressions::fields).toList()));
            List<PatternCandidate> all = candidates();
            for (int i = 0; i < all.size(); i += 3) {
                PatternCandidate c = all.get(i);
                Map<String, Object> variables = new java.util.HashMap<>(TransactionExpressions.variables(c));
                variables.put("matched", matched);
                boolean expected = TransactionExpressions.eval(cel, variables);
                assertThat(condition.test(c, soFar::get)).as(expression + " on " + c.transaction.transactionId + " after " + matched)
                        .isEqualTo(expected);
                matching += expected ? 1 : 0;
                tested++;
            }
        }
        if (compiled) { // the compiled ones are each true for some cases and false for others
            assertThat(matching).as(expression).isBetween(1, tested - 1);
        }
    }
}
