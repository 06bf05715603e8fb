package io.posmon.jobs;

import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.AlertKind;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authored pattern rules (rules/authored-patterns.yaml) through the whole job on Kafka: each
 * shipped example raises exactly its planted case, and the seed rule "large round amounts"
 * written as an authored pattern raises the same matches as the built-in rule.
 */
class AuthoredPatternKafkaTest extends KafkaAndFlinkTest {

    /** Seed rule 3 in the rule authors' language. */
    private static final String ROUND_AMOUNTS_AS_AUTHORED = """
            rules:
              - id: large-round-amounts-authored
                kind: AUTHORED_PATTERN
                severity: HIGH
                action: REVIEW
                description: Seed rule 3 written as a pattern rule
                params:
                  candidates: >-
                    tx.cardType == 'CREDIT' && tx.currency == 'CNY' && (tx.type == 'SALE' || tx.type == 'PREAUTH_COMPLETION')
                    && tx.amountMinor >= 500000 && tx.amountMinor % 100000 == 0
                  within: 60m
                  steps:
                    - name: round
                      when: "true"
                      times: 3
            """;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shippedExamplesRaiseTheirPlantedCasesAndTheSeedRuleIsExpressible(@TempDir Path tmp) throws Exception {
        Path rules = tmp.resolve("rules");
        Files.createDirectories(rules);
        for (Path p : Files.list(Path.of("../rules")).toList()) {
            Files.copy(p, rules.resolve(p.getFileName()));
        }
        Files.writeString(rules.resolve("seed-as-pattern.yaml"), ROUND_AMOUNTS_AS_AUTHORED);

        JobSettings s = jobSettings(tmp, true, 2);
        s.rulesDir = rules;

        List<MerchantProfile> profiles = List.of(
                Merchants.profile("CARDS", "5311", MerchantScale.LARGE).build(),
                Merchants.profile("SAME", "5732", MerchantScale.LARGE).build(),
                Merchants.profile("NIGHT", "5411", MerchantScale.LARGE).build(),
                Merchants.profile("BAR", "5813", MerchantScale.LARGE).build(),
                Merchants.profile("ROUND", "5944", MerchantScale.LARGE).build());

        List<PosTransaction> txs = new ArrayList<>();
        // Customer C1 uses 5 different credit cards at CARDS (one card twice); C2 only 4 cards.
        String[] cards = {"k1", "k2", "k2", "k3", "k4", "k5"};
        for (int i = 0; i < cards.length; i++) {
            txs.add(Tx.sale("CARDS-" + i, "CARDS", "2026-11-23T1" + i + ":00:00", 12_345 + i)
                    .setCustomerId("C1").setCardToken("tok_" + cards[i]).build());
        }
        for (int i = 0; i < 4; i++) {
            txs.add(Tx.sale("CARDS-C2-" + i, "CARDS", "2026-11-23T1" + i + ":30:00", 23_456 + i)
                    .setCustomerId("C2").setCardToken("tok_c2_" + i).build());
        }
        // 1,888.00 four times within two hours at SAME (any card type); three times later on.
        List<String> sameTimes = List.of("10:10", "10:30", "10:50", "11:10");
        for (int i = 0; i < sameTimes.size(); i++) {
            txs.add(debit("SAME-" + i, "SAME", "2026-11-23T" + sameTimes.get(i) + ":00", 188_800));
        }
        for (int i = 0; i < 3; i++) {
            txs.add(credit("SAME-L" + i, "SAME", "2026-11-23T20:0" + i + ":00", 277_700));
        }
        // Three sales between 01:00 and 05:00 at a grocery (trades by day); the same at a bar does not count.
        for (String time : List.of("01:10", "02:20", "03:30")) {
            txs.add(credit("NIGHT-" + time, "NIGHT", "2026-11-24T" + time + ":00", 4_567));
            txs.add(credit("BAR-" + time, "BAR", "2026-11-24T" + time + ":00", 4_567));
        }
        // Large round credit sales: three within 60 minutes, then two more.
        txs.add(credit("ROUND-1", "ROUND", "2026-11-23T11:00:00", 800_000));
        txs.add(credit("ROUND-2", "ROUND", "2026-11-23T11:10:00", 1_000_000));
        txs.add(credit("ROUND-3", "ROUND", "2026-11-23T11:20:00", 600_000));
        txs.add(credit("ROUND-4", "ROUND", "2026-11-23T14:00:00", 700_000));
        txs.add(credit("ROUND-5", "ROUND", "2026-11-23T14:30:00", 500_000));
        txs.sort(java.util.Comparator.comparing(PosTransaction::getEventTime));

        publish(s, profiles, txs);
        runToEnd(s, true, false);

        Map<String, List<String>> matches = AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class)
                .stream()
                .filter(a -> a.getKind() == AlertKind.AUTHORED_PATTERN || a.getKind() == AlertKind.LARGE_ROUND_AMOUNTS)
                .collect(Collectors.groupingBy(MerchantAlert::getRuleId, java.util.TreeMap::new, Collectors.mapping(
                        a -> a.getEvidence().stream().map(EvidenceTransaction::getTransactionId).toList().toString(),
                        Collectors.toList())));
        assertThat(matches).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "many-cards-one-customer", List.of("[CARDS-0, CARDS-1, CARDS-3, CARDS-4, CARDS-5]"),
                "repeated-identical-amounts", List.of("[SAME-0, SAME-1, SAME-2, SAME-3]"),
                "night-sales-at-day-merchant", List.of("[NIGHT-01:10, NIGHT-02:20, NIGHT-03:30]"),
                "large-round-amounts", List.of("[ROUND-1, ROUND-2, ROUND-3]"),
                "large-round-amounts-authored", List.of("[ROUND-1, ROUND-2, ROUND-3]"))));
    }
}
