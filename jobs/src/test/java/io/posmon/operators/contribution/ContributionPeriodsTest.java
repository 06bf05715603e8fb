package io.posmon.operators.contribution;

import static io.posmon.operators.contribution.ContributionHarness.buy;
import static io.posmon.operators.contribution.ContributionHarness.noFee;
import static io.posmon.operators.contribution.ContributionHarness.spend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.testing.Tx;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Business days and months (Asia/Shanghai), emission, revisions, finality and lateness. */
class ContributionPeriodsTest {

    private final ContributionHarness h = ContributionHarness.customers();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static SpendEvent saleAt(String id, Instant at, long amount) {
        return spend(buy(id, "M1", "2026-01-01T00:00", amount).setEventTime(at));
    }

    private static SpendEvent saleAt(String id, String localTime, long amount) {
        return spend(buy(id, "M1", localTime, amount));
    }

    @Test
    void businessDayChangesAtLocalMidnight16_00Utc() throws Exception {
        h.send(saleAt("s1", Instant.parse("2026-11-23T15:59:59.999Z"), 1_000),
                saleAt("s2", Instant.parse("2026-11-23T16:00:00Z"), 2_000)).watermark("2026-11-24T23:00");

        assertThat(h.day("2026-11-23").getEligibleSpendingMinor()).isEqualTo(1_000);
        assertThat(h.day("2026-11-24").getEligibleSpendingMinor()).isEqualTo(2_000);
    }

    @Test
    void monthChangesAtLocalMonthEnd() throws Exception {
        h.send(saleAt("s1", Instant.parse("2026-11-30T15:59:59.999Z"), 1_000),
                saleAt("s2", Instant.parse("2026-11-30T16:00:00Z"), 2_000)).watermark("2026-12-01T23:00");

        CustomerContribution november = h.month("2026-11");
        assertThat(november.getEligibleSpendingMinor()).isEqualTo(1_000);
        assertThat(november.getPeriodStart()).hasToString("2026-11-01");
        assertThat(november.getPeriodEnd()).hasToString("2026-12-01");
        assertThat(h.month("2026-12").getEligibleSpendingMinor()).isEqualTo(2_000);
        assertThat(h.day("2026-12-01").getEligibleSpendingMinor()).isEqualTo(2_000);
    }

    @Test
    void dayRecordBecomesFinalWhenDayEndPlusOneDayOfLatenessPasses() throws Exception {
        h.send(saleAt("s1", "2026-11-23T10:00", 1_000)).watermark("2026-11-24T23:59:59.999");
        assertThat(h.records(PeriodType.DAY, "2026-11-23"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getIsFinal)
                .containsExactly(tuple(1, false));

        h.watermark("2026-11-25T00:00");

        assertThat(h.records(PeriodType.DAY, "2026-11-23"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getIsFinal,
                        CustomerContribution::getEligibleSpendingMinor)
                .containsExactly(tuple(1, false, 1_000L), tuple(2, true, 1_000L));
    }

    @Test
    void monthRecordBecomesFinalWhenMonthEndPlusOneDayOfLatenessPasses() throws Exception {
        h.send(saleAt("s1", "2026-11-30T10:00", 1_000)).justBeforeEvaluation("2026-11");
        assertThat(h.month("2026-11").getIsFinal()).isFalse();

        h.monthEvaluated("2026-11");

        assertThat(h.records(PeriodType.MONTH, "2026-11"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getIsFinal)
                .containsExactly(tuple(1, false), tuple(2, true));
    }

    @Test
    void eventAtDayEndPlusLatenessIsLateAndChangesNothing() throws Exception {
        h.send(saleAt("s1", "2026-11-23T10:00", 1_000)).watermark("2026-11-25T00:00");
        int emitted = h.records().size();

        h.send(saleAt("s2", "2026-11-23T12:00", 5_000)).watermark("2026-11-26T00:00");

        assertThat(h.late()).extracting(t -> t.getTransactionId()).containsExactly("s2");
        assertThat(h.records()).hasSize(emitted);
        h.send(saleAt("s3", "2026-11-25T10:00", 2_000)).watermark("2026-11-25T23:00");
        assertThat(h.month("2026-11").getEligibleSpendingMinor()).isEqualTo(3_000);
        assertThat(h.month("2026-11").getTransactionCount()).isEqualTo(2);
    }

    @Test
    void eventJustInsideTheLatenessReEmitsItsAlreadyEmittedDayWithAHigherRevision() throws Exception {
        h.send(saleAt("s1", "2026-11-23T10:00", 1_000)).watermark("2026-11-24T23:59:59.999");

        h.send(saleAt("s2", "2026-11-23T12:00", 5_000)).watermark("2026-11-25T00:00");

        assertThat(h.late()).isEmpty();
        assertThat(h.records(PeriodType.DAY, "2026-11-23"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getIsFinal,
                        CustomerContribution::getEligibleSpendingMinor)
                .containsExactly(tuple(1, false, 1_000L), tuple(2, false, 6_000L), tuple(3, true, 6_000L));
        assertThat(h.day("2026-11-23").getLastEventTime()).isEqualTo(Tx.local("2026-11-23T12:00"));
    }

    @Test
    void twoEventsInTheSameMinuteAreEmittedOnceAfterTheWatermarkPassesTheMinute() throws Exception {
        h.send(saleAt("s1", "2026-11-23T10:00:10", 1_000), saleAt("s2", "2026-11-23T10:00:50", 2_000))
                .watermark(Tx.local("2026-11-23T10:01").minusMillis(1));
        assertThat(h.records()).isEmpty();

        h.watermark("2026-11-23T10:01");

        assertThat(h.records(PeriodType.DAY, "2026-11-23"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getEligibleSpendingMinor)
                .containsExactly(tuple(1, 3_000L));
        assertThat(h.records(PeriodType.MONTH, "2026-11")).hasSize(1);
    }

    @Test
    void eventsInTheNextMinuteGiveOneMoreEmission() throws Exception {
        h.send(saleAt("s1", "2026-11-23T10:00:10", 1_000)).watermark("2026-11-23T10:01:05");
        h.send(saleAt("s2", "2026-11-23T10:01:10", 2_000)).watermark("2026-11-23T10:05");

        assertThat(h.records(PeriodType.DAY, "2026-11-23"))
                .extracting(CustomerContribution::getRevision, CustomerContribution::getEligibleSpendingMinor)
                .containsExactly(tuple(1, 1_000L), tuple(2, 3_000L));
    }

    @Test
    void monthRecordsCarryPointsOfTheLast6MonthsAndSpendingOfTheLast12() throws Exception {
        h.send(noFee(buy("s0", "M1", "2025-07-10T10:00", 70_000).build())).watermark("2025-07-11T00:00"); // 7 points
        h.send(noFee(buy("s1", "M1", "2026-01-10T10:00", 10_000).build())).watermark("2026-01-11T00:00"); // 1 point
        h.send(noFee(buy("s2", "M1", "2026-02-10T10:00", 20_000).build())).watermark("2026-02-11T00:00"); // 2 points
        h.send(noFee(buy("s3", "M1", "2026-07-10T10:00", 40_000).build())).watermark("2026-07-11T00:00"); // 4 points

        CustomerContribution july = h.month("2026-07");
        assertThat(july.getPoints()).isEqualTo(4);
        assertThat(july.getPoints6Months()).as("Feb..Jul 2026").isEqualTo(2 + 4);
        assertThat(july.getEligibleSpending12MonthsMinor()).as("Aug 2025..Jul 2026").isEqualTo(10_000 + 20_000 + 40_000);
        assertThat(h.day("2026-07-10").getPoints6Months()).isEqualTo(6);
        CustomerContribution january = h.month("2026-01");
        assertThat(january.getPoints6Months()).as("Aug 2025..Jan 2026").isEqualTo(1);
        assertThat(january.getEligibleSpending12MonthsMinor()).as("Feb 2025..Jan 2026").isEqualTo(70_000 + 10_000);
    }
}
