package io.posmon.jobs;

import static io.posmon.testing.Tx.local;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.kafka.AvroKafka;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.CustomerHoldings;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PeriodType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.Tier;
import io.posmon.schema.TierChange;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import io.posmon.sources.ProfileFiles;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contribution figures are exact: a generated month of traffic (10 Dec to 9 Jan, across the
 * month, half-year and year end in local time) plus scripted edge cases go through the whole job
 * on a MiniCluster and the in-process broker; the latest record of every key on the compacted
 * topic equals {@link ContributionReference}, an independent plain computation. Scripted
 * customers cross tier bands up at a month end and down only on 31 December after their grace.
 */
class ContributionKafkaTest extends KafkaAndFlinkTest {

    private static final Path RULES = Path.of("../rules");

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void emittedFiguresEqualAnIndependentComputation(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(tmp, true, 2);
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        GeneratorSettings gs = new GeneratorSettings(11, 20, 2_000, 100, local("2025-12-10T00:00:00"),
                GeneratorSettings.realisticSpeed(100, 20), zone);
        TrafficGenerator generator = new TrafficGenerator(gs);
        List<MerchantProfile> profiles = new ArrayList<>(generator.merchantProfiles());
        profiles.addAll(scriptedMerchants());
        List<PosTransaction> txs = new ArrayList<>(generator.transactionsBetween(gs.simulatedStart(),
                gs.simulatedStart().plus(Duration.ofDays(30))));
        txs.addAll(edgeCases());
        txs.addAll(tierJourneys());
        // Written in event-time order (stable: a retransmission stays after its original).
        txs.sort(Comparator.comparing(PosTransaction::getEventTime));
        ProfileFiles.write(s.profilesFile, profiles);
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers)) {
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);
            AvroKafka.sendTransactions(producer, s.transactionsTopic, txs);
            // CX0004 never pays by card here but holds a platinum card; CX0002's product sets no floor.
            AvroKafka.send(producer, s.holdingsTopic, List.of(
                    CustomerHoldings.newBuilder().setCustomerId("CX0004").setProducts(List.of("PLATINUM_CREDIT_CARD"))
                            .setUpdatedAt(null).build(),
                    CustomerHoldings.newBuilder().setCustomerId("CX0002").setProducts(List.of("SAVINGS_ACCOUNT"))
                            .setUpdatedAt(null).build()), CustomerHoldings::getCustomerId);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(2);
        PosmonJob.onKafka(s, true, true).build(env);
        env.execute("contribution-exactness");

        ContributionReference reference = new ContributionReference(RULES);
        reference.run(txs, profiles.stream().collect(Collectors.toMap(MerchantProfile::getMerchantId, p -> p)));
        Map<String, CustomerContribution> latest = latestPerKey(
                AvroKafka.readAll(s.bootstrapServers, s.contributionsTopic, CustomerContribution.class));

        Map<String, ContributionReference.Figures> expected = reference.expected();
        assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        Map<String, ContributionReference.Figures> actual = new TreeMap<>();
        latest.forEach((key, c) -> actual.put(key, new ContributionReference.Figures(c.getEligibleSpendingMinor(),
                c.getExcludedSpendingMinor(), c.getTransactionCount(), c.getDistinctCounterparties(),
                c.getInstalmentAmountMinor(), c.getFeeRevenueMinor(), new TreeMap<>(c.getSpendingByMccGroup()),
                c.getPoints())));
        assertThat(actual).isEqualTo(expected);
        assertThat(latest.values()).allSatisfy(c -> assertThat(c.getIsFinal()).isTrue());
        // Rolling points on month records: the sum of the 6 months' points ending with the month.
        latest.forEach((key, c) -> {
            if (c.getPeriodType() == PeriodType.MONTH) {
                Map<String, Long> months = reference.monthlyPoints(c.getSubjectType() + "|" + c.getSubjectId());
                YearMonth m = YearMonth.parse(c.getPeriod());
                long sum = 0;
                for (int i = 0; i < 6; i++) {
                    sum += months.getOrDefault(m.minusMonths(i).toString(), 0L);
                }
                assertThat(c.getPoints6Months()).as(key).isEqualTo(sum);
            }
        });
        assertThat(txs.size()).isGreaterThan(30_000);
        assertEdgeCases(latest);

        List<TierChange> allChanges = AvroKafka.readAll(s.bootstrapServers, s.tierChangesTopic, TierChange.class);
        // The holder is upgraded by its card at the first month end after event time starts (which
        // month that is depends on how far the sources had read when the first watermark came).
        assertThat(allChanges).filteredOn(c -> c.getCustomerId().equals("CX0004")).singleElement().satisfies(c -> {
            assertThat(c.getToTier()).isEqualTo(Tier.STAR_6);
            assertThat(c.getPoints6Months()).isZero();
        });
        List<String> tierChanges = allChanges.stream()
                .filter(c -> c.getCustomerId().startsWith("CX") && !c.getCustomerId().equals("CX0004"))
                .map(c -> String.join("|", c.getCustomerId(), c.getEvaluatedMonth(), c.getFromTier().toString(),
                        c.getToTier().toString(), c.getDirection().toString(), c.getEffectiveDate().toString(),
                        String.valueOf(c.getPoints6Months()), String.valueOf(c.getToTierMinPoints()),
                        String.valueOf(c.getMonthsBelow())))
                .sorted().collect(Collectors.toList());
        assertThat(tierChanges).containsExactly(
                // December: 1,015 points of spending, 499 of instalment bonus (50% of 99,999.99), 606 of fees.
                "CX0001|2025-12|NOT_RATED|STAR_5|UPGRADE|2026-01-01|2120|2000|0",
                // 250,000.00 in March at a 38 bp merchant: 2,500 points of spending + 950 of fees = 3,450.
                "CX0002|2025-03|NOT_RATED|STAR_5|UPGRADE|2025-04-01|3450|2000|0",
                // March leaves the 6-month window at the end of September: below STAR_5 from then on,
                // grace 2 months, so the downgrade waits for 31 December (4 evaluations below).
                "CX0002|2025-12|STAR_5|STAR_3|DOWNGRADE|2026-01-01|78|50|4",
                // Shanghai thresholds are 150%: 2,484 points reach STAR_4 (750) but not STAR_5 (3,000).
                "CX0003|2025-11|NOT_RATED|STAR_4|UPGRADE|2025-12-01|2484|750|0");
    }

    /**
     * A running job: once a day is final, an event for that day goes to the late-contributions topic
     * and changes nothing; an event still within the lateness updates its day.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void lateEventsGoToTheLateTopicAndChangeNothing(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(tmp, false, 1);
        List<MerchantProfile> profiles = scriptedMerchants();
        ProfileFiles.write(s.profilesFile, profiles);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(1);
        PosmonJob.onKafka(s, false, true).build(env);
        var job = env.executeAsync("contribution-lateness");
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers)) {
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);
            AvroKafka.sendTransactions(producer, s.transactionsTopic, List.of(
                    own("L1", "CX0100", "X000004", "2025-12-01T10:00:00", 10_000).build(),
                    // Moves event time to 5 Dec: 1 Dec (end + 1 day of lateness = 3 Dec) is final.
                    own("L2", "CX0100", "X000004", "2025-12-05T10:00:00", 20_000).build()));
            int finalRevision = awaitRecord(s, "CUSTOMER|CX0100|DAY|2025-12-01", c -> c.getIsFinal()).getRevision();

            AvroKafka.sendTransactions(producer, s.transactionsTopic, List.of(
                    own("L3", "CX0100", "X000004", "2025-12-01T12:00:00", 40_000).build(),   // too late
                    own("L4", "CX0100", "X000004", "2025-12-04T23:00:00", 80_000).build(),   // within the lateness
                    // A late event's update is emitted when event time next moves on, as in a live stream.
                    own("L5", "CX0200", "X000004", "2025-12-05T10:30:00", 5_000).build()));
            awaitRecord(s, "CUSTOMER|CX0100|DAY|2025-12-04", c -> c.getEligibleSpendingMinor() == 80_000);
            assertThat(AvroKafka.readAll(s.bootstrapServers, s.lateContributionsTopic, PosTransaction.class))
                    .extracting(PosTransaction::getTransactionId).contains("L3").doesNotContain("L1", "L2", "L4", "L5");
            Map<String, CustomerContribution> latest = latestPerKey(
                    AvroKafka.readAll(s.bootstrapServers, s.contributionsTopic, CustomerContribution.class));
            assertThat(latest.get("CUSTOMER|CX0100|DAY|2025-12-01").getEligibleSpendingMinor()).isEqualTo(10_000);
            assertThat(latest.get("CUSTOMER|CX0100|DAY|2025-12-01").getRevision()).isEqualTo(finalRevision);
            awaitRecord(s, "CUSTOMER|CX0100|MONTH|2025-12", c -> c.getEligibleSpendingMinor() == 110_000);
        } finally {
            job.cancel().get();
        }
    }

    /** Waits until the latest committed record of a key satisfies the condition. */
    private static CustomerContribution awaitRecord(JobSettings s, String key,
                                                    java.util.function.Predicate<CustomerContribution> condition)
            throws InterruptedException {
        while (true) {
            CustomerContribution c = latestPerKey(
                    AvroKafka.readAll(s.bootstrapServers, s.contributionsTopic, CustomerContribution.class)).get(key);
            if (c != null && condition.test(c)) {
                return c;
            }
            Thread.sleep(500);
        }
    }

    private static void assertEdgeCases(Map<String, CustomerContribution> latest) {
        // Local midnight at the year end: 23:59:59.999 on 31 Dec and 00:00 on 1 Jan fall on their own days.
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2025-12-31").getEligibleSpendingMinor()).isEqualTo(10_000);
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2026-01-01").getEligibleSpendingMinor()).isEqualTo(10_001);
        CustomerContribution december = latest.get("CUSTOMER|CX0001|MONTH|2025-12");
        // 99,999.99 (instalments) + 100.00 + 2,000.00 sale less a 500.00 refund; 100,000.00 is excluded,
        // and so are the cash (6011) and zero-fee purchases, less a 200.00 refund of the cash one.
        assertThat(december.getEligibleSpendingMinor()).isEqualTo(9_999_999 + 10_000 + 200_000 - 50_000);
        assertThat(december.getExcludedSpendingMinor()).isEqualTo(10_000_000 + 50_000 + 30_000 - 20_000);
        assertThat(december.getInstalmentAmountMinor()).isEqualTo(9_999_999);
        // The rest of the 2,000.00 sale is refunded in January: only what was left of it (1,500.00).
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2026-01-03").getEligibleSpendingMinor()).isEqualTo(-150_000);
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2026-01-03").getPoints()).isZero();
        // The sale voided and then reversed is taken back once; its retransmission and the declined sale never count.
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2025-12-22").getEligibleSpendingMinor()).isZero();
        assertThat(latest.get("CUSTOMER|CX0001|DAY|2025-12-22").getTransactionCount()).isEqualTo(1);
        assertThat(latest).doesNotContainKey("CUSTOMER|CX0001|DAY|2025-12-24");
        assertThat(latest).doesNotContainKey("CUSTOMER|CX0001|DAY|2025-12-26");
    }

    private static List<MerchantProfile> scriptedMerchants() {
        return List.of(
                Merchants.profile("X000001", "6011", MerchantScale.SMALL).setFeeRateBps(50).build(),
                Merchants.profile("X000002", "5411", MerchantScale.SMALL).setFeeRateBps(0).build(),
                Merchants.profile("X000003", "5944", MerchantScale.MEDIUM).setFeeRateBps(60).build(),
                Merchants.profile("X000004", "5311", MerchantScale.LARGE).setFeeRateBps(38).build());
    }

    private static PosTransaction.Builder own(String id, String customer, String merchant, String time, long amount) {
        return Tx.sale(id, merchant, time, amount).setCustomerId(customer).setCardToken("tok_" + customer);
    }

    private static List<PosTransaction> edgeCases() {
        List<PosTransaction> t = new ArrayList<>();
        t.add(own("E1", "CX0001", "X000004", "2025-12-31T23:59:59.999", 10_000).build());
        t.add(own("E2", "CX0001", "X000004", "2026-01-01T00:00:00", 10_001).build());
        t.add(own("E3", "CX0001", "X000003", "2025-12-20T10:00:00", 10_000_000).build());   // at the single-purchase cap
        t.add(own("E4", "CX0001", "X000003", "2025-12-20T10:05:00", 9_999_999).setInstallments(12).build());
        PosTransaction cash = own("E5", "CX0001", "X000001", "2025-12-21T11:00:00", 50_000).build();
        t.add(cash);
        t.add(own("E6", "CX0001", "X000002", "2025-12-21T11:05:00", 30_000).build());        // zero-fee merchant
        PosTransaction voided = own("E7", "CX0001", "X000004", "2025-12-22T12:00:00", 100_000).build();
        t.add(voided);
        t.add(voided);                                                                          // retransmission
        t.add(undo(TransactionType.VOID, "E8", voided, "2025-12-22T12:10:00", 100_000));
        t.add(undo(TransactionType.REVERSAL, "E9", voided, "2025-12-22T12:11:00", 100_000));
        PosTransaction refunded = own("E10", "CX0001", "X000004", "2025-12-23T09:00:00", 200_000).build();
        t.add(refunded);
        t.add(undo(TransactionType.REFUND, "E11", refunded, "2025-12-28T15:00:00", 50_000));
        t.add(undo(TransactionType.REFUND, "E12", refunded, "2026-01-03T15:00:00", 200_000));
        t.add(own("E13", "CX0001", "X000004", "2025-12-24T10:00:00", 77_777).setStatus(TransactionStatus.DECLINED).build());
        t.add(own("E14", "CX0001", "X000004", "2025-12-26T10:00:00", 1_000).setType(TransactionType.REFUND)
                .setOriginalTransactionId("NEVER-SEEN").build());
        t.add(undo(TransactionType.REFUND, "E15", cash, "2025-12-29T10:00:00", 20_000));
        return t;
    }

    private static PosTransaction undo(TransactionType type, String id, PosTransaction original, String time, long amount) {
        return own(id, original.getCustomerId(), original.getMerchantId(), time, amount)
                .setType(type).setOriginalTransactionId(original.getTransactionId()).build();
    }

    /** CX0002: a big March, then 1,000.00 a month; CX0003: a Shanghai customer's big November. */
    private static List<PosTransaction> tierJourneys() {
        List<PosTransaction> t = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            t.add(own("J2-03-" + i, "CX0002", "X000004", "2025-03-1" + i + "T10:00:00", 5_000_000).build());
        }
        for (int month = 4; month <= 12; month++) {
            t.add(own("J2-" + month, "CX0002", "X000004", String.format("2025-%02d-15T10:00:00", month), 100_000).build());
        }
        t.add(own("J2-2026-01", "CX0002", "X000004", "2026-01-05T10:00:00", 100_000).build());
        for (int i = 1; i <= 3; i++) {
            t.add(own("J3-" + i, "CX0003", "X000004", "2025-11-0" + i + "T10:00:00", 6_000_000)
                    .setCustomerRegion("CN-SH").build());
        }
        return t;
    }

    /** The compacted topic's view: the last record written for each key. */
}
