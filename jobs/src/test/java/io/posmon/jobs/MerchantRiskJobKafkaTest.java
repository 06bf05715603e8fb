package io.posmon.jobs;

import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static io.posmon.testing.Tx.declined;
import static io.posmon.testing.Tx.undo;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionType;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole merchant risk job on a Flink MiniCluster against a real in-process Kafka broker, with
 * the shipped rules: a planted scenario in, the exact set of alerts read back with read_committed.
 */
class MerchantRiskJobKafkaTest extends KafkaAndFlinkTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void plantedScenarioRaisesExactlyTheExpectedAlerts(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(tmp, true, 2);

        List<MerchantProfile> profiles = List.of(
                // RESTAURANT LARGE with its own 50,000.00 limit: the volume rule's peer baseline is far above this traffic.
                Merchants.profile("M1", "5812", MerchantScale.LARGE).setDailyCreditLimitMinor(5_000_000L).build(),
                Merchants.profile("M2", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("M3", "5311", MerchantScale.SMALL).setStatus(MerchantStatus.SUSPENDED).build(),
                Merchants.profile("M4", "5411", MerchantScale.MICRO)
                        .setSettlementAccountType(SettlementAccountType.PERSONAL).build(),
                Merchants.profile("M5", "5814", MerchantScale.SMALL).build(),
                Merchants.profile("M6", "5411", MerchantScale.SMALL).build());

        List<PosTransaction> txs = new ArrayList<>();
        // M1: daily credit limit 50,000.00 (own override).
        PosTransaction m1First = credit("M1-1", "M1", "2026-11-23T10:00:00", 2_000_037);
        txs.add(m1First);
        txs.add(credit("M1-2", "M1", "2026-11-23T10:05:00", 1_999_963));        // net 40,000.00 = 80%: warning
        txs.add(undo(TransactionType.VOID, "M1-3", "M1", "2026-11-23T10:06:00", m1First));      // net 19,999.63
        txs.add(undo(TransactionType.REVERSAL, "M1-3b", "M1", "2026-11-23T10:06:30", m1First)); // already undone
        PosTransaction m1Fourth = credit("M1-4", "M1", "2026-11-23T10:10:00", 2_500_036); // net 44,999.99
        txs.add(m1Fourth);
        txs.add(m1Fourth);                                                          // retransmission
        txs.add(declined("M1-5", "M1", "2026-11-23T10:11:00", 999_999));
        txs.add(debit("M1-6", "M1", "2026-11-23T10:12:00", 900_001));
        txs.add(credit("M1-7", "M1", "2026-11-23T10:13:00", 500_001));            // net 50,000.00: at the limit
        txs.add(credit("M1-8", "M1", "2026-11-23T10:14:00", 1));                  // 50,000.01: over
        txs.add(credit("M1-9", "M1", "2026-11-23T10:20:00", 100_011));            // no second alert
        txs.add(credit("M1-10", "M1", "2026-11-23T23:59:59", 10_000));            // still 23 Nov locally
        txs.add(credit("M1-11", "M1", "2026-11-24T00:00:00", 5_000_001));         // new business day, over at once
        // M2: large round amounts (>= 5,000.00, multiple of 1,000.00, credit), 3 within 60 min.
        txs.add(credit("M2-1", "M2", "2026-11-23T11:00:00", 800_000));
        txs.add(credit("M2-2", "M2", "2026-11-23T11:05:00", 999_999));
        txs.add(credit("M2-3", "M2", "2026-11-23T11:10:00", 1_000_000));
        txs.add(debit("M2-4", "M2", "2026-11-23T11:12:00", 600_000));
        txs.add(credit("M2-5", "M2", "2026-11-23T11:20:00", 600_000));
        txs.add(credit("M2-6", "M2", "2026-11-23T13:00:00", 700_000));
        txs.add(credit("M2-7", "M2", "2026-11-23T13:10:00", 400_000));            // below the minimum
        txs.add(credit("M2-8", "M2", "2026-11-23T13:30:00", 500_000));
        txs.add(credit("M2-9", "M2", "2026-11-23T14:30:00", 500_000));            // 13:00 is out of its window
        // M3: suspended, still sending.
        txs.add(credit("M3-1", "M3", "2026-11-23T12:00:00", 12_345));
        txs.add(declined("M3-2", "M3", "2026-11-23T12:01:00", 12_345));
        txs.add(debit("M3-3", "M3", "2026-11-23T12:02:00", 54_321));
        // M4: personal settlement account.
        txs.add(credit("M4-1", "M4", "2026-11-23T09:00:00", 4_321));
        // M5: a burst in the 15:00 hour: 29 x 350.01 = 10,150.29 crosses the hour floor (10,000.00)
        // and 5 x the peer hour baseline (8,000.00 / 12 h).
        for (int i = 1; i <= 40; i++) {
            txs.add(debit("M5-" + i, "M5", String.format("2026-11-23T15:%02d:00", i), 35_001));
        }
        // M6 and a merchant with no profile: ordinary traffic.
        txs.add(credit("M6-1", "M6", "2026-11-23T10:30:00", 8_888));
        txs.add(credit("M9-1", "M9", "2026-11-23T10:31:00", 7_777));

        // In event-time order, as a switch sends them: M1 and M5 share a partition, and M1's next-day
        // sale sent before M5's afternoon would (rightly) make M5's burst late once a watermark passes.
        txs.sort(java.util.Comparator.comparing(PosTransaction::getEventTime));
        publish(s, profiles, txs);
        runToEnd(s, true, false);

        List<MerchantAlert> alerts = AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class);
        assertThat(alerts.stream().map(MerchantRiskJobKafkaTest::describe).sorted().collect(Collectors.toList()))
                .containsExactly(
                        "daily-credit-limit|M1|EARLY_WARNING|2026-11-23|4000000/5000000|null|[M1-1, M1-2]",
                        "daily-credit-limit|M1|TRIGGERED|2026-11-23|5000001/5000000|null|[M1-2, M1-4, M1-7, M1-8]",
                        "daily-credit-limit|M1|TRIGGERED|2026-11-24|5000001/5000000|null|[M1-11]",
                        "large-round-amounts|M2|TRIGGERED|2026-11-23|2400000/null|3|[M2-1, M2-3, M2-5]",
                        "personal-settlement-account|M4|TRIGGERED|null|null/null|null|[]",
                        "suspended-merchant-activity|M3|TRIGGERED|2026-11-23|12345/null|1|[M3-1]",
                        "suspended-merchant-activity|M3|TRIGGERED|2026-11-23|54321/null|1|[M3-3]",
                        "volume-jump|M5|TRIGGERED|2026-11-23|1015029/66666|29|[M5-20, M5-21, M5-22, M5-23, M5-24, M5-25, M5-26, M5-27, M5-28, M5-29]");
        assertThat(alerts).extracting(MerchantAlert::getAlertId).doesNotHaveDuplicates();
        assertThat(AvroKafka.readAll(s.bootstrapServers, s.deadLetterTopic, io.posmon.schema.DeadLetter.class)).isEmpty();
    }

    /** Rule, merchant, stage, business date, amounts, count and evidence of an alert. */
    static String describe(MerchantAlert a) {
        return String.join("|", a.getRuleId(), a.getMerchant().getMerchantId(), a.getStage().toString(),
                String.valueOf(a.getBusinessDate()), a.getObservedAmountMinor() + "/" + a.getThresholdAmountMinor(),
                String.valueOf(a.getObservedCount()),
                a.getEvidence().stream().map(EvidenceTransaction::getTransactionId).collect(Collectors.toList()).toString());
    }
}
