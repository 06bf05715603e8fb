package io.posmon.operators.contribution;

import static io.posmon.operators.contribution.ContributionHarness.CUSTOMER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.posmon.schema.Tier;
import io.posmon.schema.TierDirection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tier evaluation at each month end plus the lateness (the 2nd of the next month, 00:00): upgrades at
 * any month end, downgrades only at the end of June and December after the tier's grace.
 */
class TierEvaluationTest {

    private ContributionHarness h = ContributionHarness.customers();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static org.assertj.core.groups.Tuple move(Tier from, Tier to, TierDirection direction, String month) {
        return tuple(from, to, direction, month);
    }

    private List<org.assertj.core.groups.Tuple> moves() {
        return h.tierChanges().stream()
                .map(c -> move(c.getFromTier(), c.getToTier(), c.getDirection(), c.getEvaluatedMonth()))
                .toList();
    }

    // ---- upgrades ----

    @Test
    void upgradesAtTheMonthEndWhenPointsReachTheBandExactly() throws Exception {
        h.earn("2026-11-10T10:00", 50).justBeforeEvaluation("2026-11");
        assertThat(h.tierChanges()).as("not before month end + lateness").isEmpty();

        h.monthEvaluated("2026-11");

        assertThat(h.tierChanges()).singleElement().satisfies(c -> {
            assertThat(c.getCustomerId()).isEqualTo(CUSTOMER);
            assertThat(c.getFromTier()).isEqualTo(Tier.NOT_RATED);
            assertThat(c.getToTier()).isEqualTo(Tier.STAR_3);
            assertThat(c.getDirection()).isEqualTo(TierDirection.UPGRADE);
            assertThat(c.getEvaluatedMonth()).isEqualTo("2026-11");
            assertThat(c.getEffectiveDate()).hasToString("2026-12-01");
            assertThat(c.getPoints6Months()).isEqualTo(50);
            assertThat(c.getToTierMinPoints()).isEqualTo(50);
            assertThat(c.getMonthsBelow()).isZero();
        });
        assertThat(h.month("2026-11").getTier()).as("final month record after the evaluation").isEqualTo(Tier.STAR_3);
    }

    @Test
    void onePointBelowABandGivesTheBandBelow() throws Exception {
        h.earn("2026-11-10T10:00", 49).monthEvaluated("2026-11");

        assertThat(h.tierChanges()).singleElement()
                .satisfies(c -> assertThat(c.getToTier()).isEqualTo(Tier.ENTRY))
                .satisfies(c -> assertThat(c.getToTierMinPoints()).isEqualTo(1));
    }

    @ParameterizedTest(name = "STAR_3 with {0} points over 6 months -> {1}")
    @CsvSource({"499, STAR_3", "500, STAR_4"})
    void ratedCustomerUpgradesOnlyWhenTheNextBandIsReached(long sixMonthPoints, Tier after) throws Exception {
        h.earn("2026-10-10T10:00", 50).monthEvaluated("2026-10");
        h.earn("2026-11-10T10:00", sixMonthPoints - 50).monthEvaluated("2026-11");

        assertThat(h.tierChanges()).last().satisfies(c -> assertThat(c.getToTier()).isEqualTo(after));
        assertThat(h.tierChanges()).hasSize(after == Tier.STAR_3 ? 1 : 2);
    }

    @Test
    void upgradeCountsTheLast6MonthsIncludingTheMonthThatEnds() throws Exception {
        h.earn("2026-05-31T10:00", 30).monthEvaluated("2026-05"); // ENTRY
        h.earn("2026-10-31T10:00", 20).monthEvaluated("2026-10"); // May..Oct: 50

        assertThat(moves()).containsExactly(
                move(Tier.NOT_RATED, Tier.ENTRY, TierDirection.UPGRADE, "2026-05"),
                move(Tier.ENTRY, Tier.STAR_3, TierDirection.UPGRADE, "2026-10"));
    }

    @Test
    void changeIdIsDerivedFromCustomerAndMonthSoAReplayGivesTheSameId() throws Exception {
        h.earn("2026-11-10T10:00", 50).monthEvaluated("2026-11");
        String first = h.tierChanges().get(0).getChangeId();
        h.close();
        h = ContributionHarness.customers();
        h.earn("2026-11-20T10:00", 60).monthEvaluated("2026-11");

        assertThat(h.tierChanges().get(0).getChangeId()).isEqualTo(first)
                .isEqualTo(UUID.nameUUIDFromBytes("C1|2026-11".getBytes(StandardCharsets.UTF_8)).toString());
    }

    @ParameterizedTest(name = "{0}: {1} points -> {2} (min {3})")
    @CsvSource({
        "CN-SH, 1,  NOT_RATED, 0",  // ENTRY 1 x 150% = 1.5 -> 2
        "CN-SH, 2,  ENTRY,     2",
        "CN-SH, 74, ENTRY,     2",  // STAR_3 50 x 150% = 75
        "CN-SH, 75, STAR_3,    75",
        "CN-GS, 30, STAR_3,    30", // 60%
        "CN-ZJ, 50, STAR_3,    50", // not listed: 100%
    })
    void regionPercentageAppliesToEveryBandRoundedUp(String region, long points, Tier expected, long minPoints)
            throws Exception {
        h.earn(CUSTOMER, region, "2026-11-10T10:00", points).monthEvaluated("2026-11");

        if (expected == Tier.NOT_RATED) {
            assertThat(h.tierChanges()).isEmpty();
        } else {
            assertThat(h.tierChanges()).singleElement().satisfies(c -> {
                assertThat(c.getToTier()).isEqualTo(expected);
                assertThat(c.getToTierMinPoints()).isEqualTo(minPoints);
                assertThat(c.getRegion()).isEqualTo(region);
            });
        }
    }

    // ---- downgrades ----

    @Test
    void silentCustomerIsEvaluatedMonthlyAndFallsOnlyAtTheEndOfDecember() throws Exception {
        h.earn("2026-01-10T10:00", 60).monthEvaluated("2026-01"); // STAR_3, grace 0
        h.monthsEvaluated("2026-02", "2026-11"); // below from July (Feb..Jul = 0 points)
        assertThat(h.tierChanges()).hasSize(1);

        h.monthEvaluated("2026-12");

        assertThat(h.tierChanges()).hasSize(2).last().satisfies(c -> {
            assertThat(c.getFromTier()).isEqualTo(Tier.STAR_3);
            assertThat(c.getToTier()).isEqualTo(Tier.NOT_RATED);
            assertThat(c.getDirection()).isEqualTo(TierDirection.DOWNGRADE);
            assertThat(c.getEvaluatedMonth()).isEqualTo("2026-12");
            assertThat(c.getEffectiveDate()).hasToString("2027-01-01");
            assertThat(c.getPoints6Months()).isZero();
            assertThat(c.getToTierMinPoints()).isZero();
            assertThat(c.getMonthsBelow()).as("Jul..Dec").isEqualTo(6);
        });
    }

    @Test
    void tierWithoutGraceFallsAtTheEndOfJuneAtTheFirstEvaluationBelow() throws Exception {
        h.earn("2025-12-10T10:00", 60).monthEvaluated("2025-12"); // STAR_3
        h.monthsEvaluated("2026-01", "2026-06"); // Jan..Jun 2026 = 0 points: below only at June

        assertThat(h.tierChanges()).hasSize(2).last().satisfies(c -> {
            assertThat(c.getEvaluatedMonth()).isEqualTo("2026-06");
            assertThat(c.getDirection()).isEqualTo(TierDirection.DOWNGRADE);
            assertThat(c.getMonthsBelow()).isEqualTo(1);
        });
    }

    @Test
    void star4WithGrace1BelowAtNovemberAndDecemberFallsAtTheEndOfDecember() throws Exception {
        h.earn("2026-05-10T10:00", 500).monthEvaluated("2026-05"); // STAR_4; May leaves the window in November
        h.monthsEvaluated("2026-06", "2026-12");

        assertThat(moves()).containsExactly(
                move(Tier.NOT_RATED, Tier.STAR_4, TierDirection.UPGRADE, "2026-05"),
                move(Tier.STAR_4, Tier.NOT_RATED, TierDirection.DOWNGRADE, "2026-12"));
        assertThat(h.tierChanges().get(1).getMonthsBelow()).isEqualTo(2);
    }

    @Test
    void star4WithGrace1BelowOnlyAtDecemberStaysUntilTheNextDowngradeDate() throws Exception {
        h.earn("2026-06-10T10:00", 500).monthEvaluated("2026-06"); // STAR_4; June leaves the window in December
        h.monthsEvaluated("2026-07", "2026-12");
        assertThat(moves()).containsExactly(move(Tier.NOT_RATED, Tier.STAR_4, TierDirection.UPGRADE, "2026-06"));

        h.monthsEvaluated("2027-01", "2027-06");

        assertThat(moves()).last().isEqualTo(move(Tier.STAR_4, Tier.NOT_RATED, TierDirection.DOWNGRADE, "2027-06"));
        assertThat(h.tierChanges().get(1).getMonthsBelow()).isEqualTo(7);
    }

    @Test
    void downgradeGoesToTheBandOfThePointsPossiblySeveralLevelsDown() throws Exception {
        h.earn("2026-05-10T10:00", 500).monthEvaluated("2026-05"); // STAR_4
        h.earn("2026-08-10T10:00", 10); // Jul..Dec: 10 points = ENTRY
        h.monthsEvaluated("2026-06", "2026-12");

        assertThat(h.tierChanges()).hasSize(2).last().satisfies(c -> {
            assertThat(c.getFromTier()).isEqualTo(Tier.STAR_4);
            assertThat(c.getToTier()).isEqualTo(Tier.ENTRY);
            assertThat(c.getPoints6Months()).isEqualTo(10);
            assertThat(c.getToTierMinPoints()).isEqualTo(1);
        });
    }

    @Test
    void noTierChangeWhileTheCustomerStaysInItsBand() throws Exception {
        for (int month = 1; month <= 12; month++) {
            String m = String.format("2026-%02d", month);
            h.earn(m + "-15T10:00", 60).monthEvaluated(m);
        }

        assertThat(moves()).containsExactly(move(Tier.NOT_RATED, Tier.STAR_3, TierDirection.UPGRADE, "2026-01"));
        assertThat(h.month("2026-12").getTier()).isEqualTo(Tier.STAR_3);
    }

    @Test
    void graceFromThePolicyFile(@TempDir Path rules) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("../rules"))) {
            for (Path f : files.toList()) {
                Files.copy(f, rules.resolve(f.getFileName()));
            }
        }
        Path tiers = rules.resolve("tiers.yaml");
        String yaml = Files.readString(tiers);
        assertThat(yaml).contains("STAR_4: 1,");
        Files.writeString(tiers, yaml.replace("STAR_4: 1,", "STAR_4: 0,"));
        h.close();
        h = ContributionHarness.customers(ContributionHarness.compile(rules).customerContribution());

        h.earn("2026-06-10T10:00", 500).monthEvaluated("2026-06");
        h.monthsEvaluated("2026-07", "2026-12");

        assertThat(moves()).containsExactly(
                move(Tier.NOT_RATED, Tier.STAR_4, TierDirection.UPGRADE, "2026-06"),
                move(Tier.STAR_4, Tier.NOT_RATED, TierDirection.DOWNGRADE, "2026-12"));
    }
}
