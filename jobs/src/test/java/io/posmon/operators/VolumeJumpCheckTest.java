package io.posmon.operators;

import static io.posmon.testing.Tx.debit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.testing.Merchants;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 2 (shipped volume-jump) at its boundaries. Debit sales keep the credit-only rules out of the way;
 * volume counts every card type.
 */
class VolumeJumpCheckTest {

    private static final String RULE = "volume-jump";
    private static final String DAY = "2026-11-23T";

    private RiskHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new RiskHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private List<MerchantAlert> alerts() {
        return h.alerts(RULE);
    }

    @Test
    void newMerchantHourTripsOnThePeerRatioNotOneFenBefore() throws Exception {
        // GROCERY MEDIUM peers: 60,000.00 a day over 12 active hours = 5,000.00 an hour; x5.0 = 25,000.00,
        // which is above the hour floor (10,000.00): the ratio is the binding bound. It must be exceeded.
        h.profile(Merchants.profile("G", "5411", MerchantScale.MEDIUM).build());
        h.tx(debit("g1", "G", DAY + "15:10:00", 2_500_000));
        assertThat(alerts()).isEmpty();

        h.tx(debit("g2", "G", DAY + "15:20:00", 1));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getObservedAmountMinor()).isEqualTo(2_500_001L);
            assertThat(a.getThresholdAmountMinor()).isEqualTo(500_000L);
            assertThat(a.getObservedCount()).isEqualTo(2);
            assertThat(a.getWindowStart()).isEqualTo(io.posmon.testing.Tx.local(DAY + "15:00:00"));
            assertThat(a.getWindowEnd()).isEqualTo(io.posmon.testing.Tx.local(DAY + "16:00:00"));
            assertThat(a.getSummary()).contains("peer table");
            assertThat(Alerts.evidenceIds(a)).containsExactly("g1", "g2");
        });
    }

    @Test
    void newMerchantHourTripsOnTheAmountFloorNotOneFenBefore() throws Exception {
        // RESTAURANT SMALL peers: 8,000.00 / 12 h = 666.67 an hour; x5.0 = 3,333.33 is below the hour floor
        // (10,000.00): the floor is the binding bound, and reaching it is enough.
        h.profile(Merchants.profile("R", "5812", MerchantScale.SMALL).build());
        h.tx(debit("r1", "R", DAY + "15:10:00", 999_999));
        assertThat(alerts()).isEmpty();

        h.tx(debit("r2", "R", DAY + "15:20:00", 1));
        assertThat(alerts()).singleElement()
                .satisfies(a -> assertThat(a.getObservedAmountMinor()).isEqualTo(1_000_000L));
    }

    @Test
    void newMerchantHourTripsOnCountAboveRatioAndFloor() throws Exception {
        // RESTAURANT SMALL peers: 80 sales a day / 12 h x 5.0 = 33.3: the 34th sale of the hour trips (floor 20).
        h.profile(Merchants.profile("C", "5812", MerchantScale.SMALL).build());
        for (int i = 1; i <= 33; i++) {
            h.tx(debit("c" + i, "C", String.format(DAY + "15:%02d:00", i), 100));
        }
        assertThat(alerts()).isEmpty();

        h.tx(debit("c34", "C", DAY + "15:34:00", 100));
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.getObservedCount()).isEqualTo(34));
    }

    @Test
    void atMostOneAlertPerWindow_theNextHourIsANewWindow() throws Exception {
        h.profile(Merchants.profile("R", "5812", MerchantScale.SMALL).build());
        h.tx(debit("a", "R", DAY + "15:10:00", 1_000_000),
                debit("b", "R", DAY + "15:20:00", 1_000_000),
                debit("c", "R", DAY + "15:59:59", 1_000_000),
                debit("d", "R", DAY + "16:00:00", 1_000_000));

        // Hour 15 trips at a (floor), the day at c (30,000.00 > 3.0 x 8,000.00), hour 16 at d; each only once.
        assertThat(alerts()).extracting(a -> a.getWindowStart().toString()).containsExactly(
                io.posmon.testing.Tx.local(DAY + "15:00:00").toString(),
                io.posmon.testing.Tx.local("2026-11-23T00:00:00").toString(),
                io.posmon.testing.Tx.local(DAY + "16:00:00").toString());
        assertThat(alerts()).extracting(MerchantAlert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void afterMinHistoryDaysTheMerchantsOwnBaselineIsUsed() throws Exception {
        // GROCERY MEDIUM. Seven days (16-22 Nov) of one 10,000.00 sale at noon: own day mean 10,000.00.
        // On day 8, x3.0 = 30,000.00 must be exceeded (the floor is 20,000.00): the peer table (60,000.00 x3)
        // would not trip.
        h.profile(Merchants.profile("H", "5411", MerchantScale.MEDIUM).build());
        for (int d = 16; d <= 22; d++) {
            h.tx(debit("h" + d, "H", "2026-11-" + d + "T12:00:00", 1_000_000));
        }
        h.tx(debit("h23a", "H", DAY + "12:00:00", 3_000_000)); // exactly 3.0 x the mean: no jump
        assertThat(alerts()).isEmpty();

        h.tx(debit("h23b", "H", DAY + "13:00:00", 1));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.getBusinessDate()).isEqualTo(LocalDate.of(2026, 11, 23));
            assertThat(a.getObservedAmountMinor()).isEqualTo(3_000_001L);
            assertThat(a.getThresholdAmountMinor()).isEqualTo(1_000_000L);
            assertThat(a.getWindowStart()).isEqualTo(Instant.parse("2026-11-22T16:00:00Z"));
            assertThat(a.getSummary()).contains("own 7-day mean");
        });
    }

    @Test
    void daysWithoutSalesCountAsZeroInTheOwnBaseline() throws Exception {
        // First seen 16 Nov, then silent until 23 Nov: seven days of history, mean 70,000.00 / 7 = 10,000.00.
        h.profile(Merchants.profile("Z", "5411", MerchantScale.MEDIUM).build());
        h.tx(debit("z16a", "Z", "2026-11-16T09:00:00", 2_333_334),
                debit("z16b", "Z", "2026-11-16T10:00:00", 2_333_333),
                debit("z16c", "Z", "2026-11-16T11:00:00", 2_333_333));
        h.tx(debit("z23", "Z", DAY + "12:00:00", 3_000_001));

        assertThat(alerts()).filteredOn(VolumeJumpCheckTest::isDayWindow)
                .extracting(MerchantAlert::getThresholdAmountMinor).containsExactly(1_000_000L);
    }

    @Test
    void declinedAndRefundedVolumeIsNotVolume() throws Exception {
        h.profile(Merchants.profile("R", "5812", MerchantScale.SMALL).build());
        h.tx(io.posmon.testing.Tx.declined("a", "R", DAY + "15:10:00", 5_000_000),
                io.posmon.testing.Tx.sale("b", "R", DAY + "15:11:00", 5_000_000)
                        .setType(io.posmon.schema.TransactionType.REFUND).build());

        assertThat(alerts()).isEmpty();
    }

    private static boolean isDayWindow(MerchantAlert a) {
        return a.getWindowEnd().toEpochMilli() - a.getWindowStart().toEpochMilli() == 86_400_000L;
    }
}
