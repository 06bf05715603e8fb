package io.posmon.rules.parser;

import io.posmon.rules.model.RuleExample;
import java.util.Currency;
import java.util.HashSet;
import java.util.Set;

/** Checks rule examples: what they name exists, and every transaction can be built. */
final class ExampleValidator {

    private ExampleValidator() {
    }

    static void example(RuleExample e, Set<String> ruleIds, ProblemCollector p, String at) {
        if (p.require(e.name(), at, "name") && e.name().isBlank()) {
            p.at(at + "/name", "an example needs a name");
        }
        if (p.require(e.currency(), at, "currency")) {
            try {
                Currency.getInstance(e.currency());
            } catch (IllegalArgumentException ex) {
                p.at(at + "/currency", "'" + e.currency() + "' is not an ISO 4217 currency code (e.g. CNY)");
            }
        }
        if (e.rules() != null) {
            for (int i = 0; i < e.rules().size(); i++) {
                if (!ruleIds.contains(e.rules().get(i))) {
                    p.at(at + "/rules/" + i, "no rule with id '" + e.rules().get(i) + "'");
                }
            }
        }
        Set<String> merchants = new HashSet<>();
        if (e.merchants() != null) {
            for (int i = 0; i < e.merchants().size(); i++) {
                var m = e.merchants().get(i);
                String mp = at + "/merchants/" + i;
                if (m == null || !p.require(m.id(), mp, "id") | !p.require(m.mcc(), mp, "mcc") | !p.require(m.scale(), mp, "scale")) {
                    continue;
                }
                if (!m.mcc().matches("\\d{4}")) {
                    p.at(mp + "/mcc", "mcc must be 4 digits, got '" + m.mcc() + "'");
                }
                merchants.add(m.id());
            }
        }
        Set<String> ids = new HashSet<>();
        if (p.require(e.transactions(), at, "transactions")) {
            for (int i = 0; i < e.transactions().size(); i++) {
                var t = e.transactions().get(i);
                String tp = at + "/transactions/" + i;
                if (t == null || !p.require(t.id(), tp, "id") | !p.require(t.merchant(), tp, "merchant")
                        | !p.require(t.time(), tp, "time") | !p.require(t.amount(), tp, "amount")) {
                    continue;
                }
                ids.add(t.id());
                if (t.amount().signum() <= 0) {
                    p.at(tp + "/amount", "amount must be above zero, got " + t.amount().toPlainString());
                }
                if (t.original() != null && !ids.contains(t.original())) {
                    p.at(tp + "/original", "'" + t.original() + "' is not an earlier transaction of this example");
                }
            }
        }
        if (p.require(e.expect(), at, "expect (an empty list [] when no alert is expected)")) {
            for (int i = 0; i < e.expect().size(); i++) {
                var x = e.expect().get(i);
                String xp = at + "/expect/" + i;
                if (x == null || !p.require(x.rule(), xp, "rule") | !p.require(x.merchant(), xp, "merchant")) {
                    continue;
                }
                if (!ruleIds.contains(x.rule())) {
                    p.at(xp + "/rule", "no rule with id '" + x.rule() + "'");
                }
                if (x.transactions() != null) {
                    for (int j = 0; j < x.transactions().size(); j++) {
                        if (!ids.contains(x.transactions().get(j))) {
                            p.at(xp + "/transactions/" + j, "'" + x.transactions().get(j) + "' is not a transaction of this example");
                        }
                    }
                }
            }
        }
    }
}
