package io.posmon.operators.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.CustomerHoldings;
import io.posmon.schema.Tier;
import io.posmon.schema.TierChange;
import io.posmon.schema.TierDirection;
import io.posmon.testing.Tx;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Held products set a tier floor (tiers.yaml productFloors), evaluated at month ends like points. */
class ProductFloorTest {

    private KeyedOneInputStreamOperatorTestHarness<String, SpendEvent, io.posmon.schema.CustomerContribution> harness;

    @BeforeEach
    void setUp() throws Exception {
        var rules = RuleCompiler.compile(RuleSetLoader.load(Path.of("../rules")));
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ContributionFunction(rules.customerContribution()), SpendEvent::customerId, Types.STRING);
    }

    private void hold(String customer, String... products) throws Exception {
        harness.processElement(SpendEvent.holdings(CustomerHoldings.newBuilder()
                .setCustomerId(customer).setProducts(List.of(products)).setUpdatedAt(null).build()), 0L);
    }

    private void watermark(String localTime) throws Exception {
        harness.processWatermark(Tx.local(localTime).toEpochMilli());
    }

    private List<TierChange> changes() {
        var output = harness.getSideOutput(ContributionFunction.TIER_CHANGES);
        return output == null ? List.of() : output.stream().map(r -> r.getValue()).toList();
    }

    @Test
    void aPlatinumCardGivesStar6AtTheNextMonthEndWithoutAnyPoints() throws Exception {
        watermark("2026-11-10T00:00:00");
        hold("C1", "PLATINUM_CREDIT_CARD", "SAVINGS_ACCOUNT");
        watermark("2026-11-30T12:00:00");
        assertThat(changes()).isEmpty();

        watermark("2026-12-02T00:00:00"); // November's end plus its day of lateness
        assertThat(changes()).singleElement().satisfies(c -> {
            assertThat(c.getFromTier()).isEqualTo(Tier.NOT_RATED);
            assertThat(c.getToTier()).isEqualTo(Tier.STAR_6);
            assertThat(c.getDirection()).isEqualTo(TierDirection.UPGRADE);
            assertThat(c.getPoints6Months()).isZero();
            assertThat(c.getEvaluatedMonth()).isEqualTo("2026-11");
        });
    }

    @Test
    void holdingsKnownBeforeAnyEventTimeAreEvaluatedFromTheFirstWatermarkOn() throws Exception {
        hold("C1", "PRIVATE_BANKING_AGREEMENT");
        watermark("2026-11-10T00:00:00");
        watermark("2026-12-02T00:00:00");
        assertThat(changes()).singleElement().satisfies(c -> {
            assertThat(c.getToTier()).isEqualTo(Tier.STAR_7);
            assertThat(c.getEvaluatedMonth()).isEqualTo("2026-11");
        });
    }

    @Test
    void givingUpTheProductDowngradesOnlyOnADowngradeDateAfterTheGrace() throws Exception {
        watermark("2026-10-10T00:00:00");
        hold("C1", "GOLD_CREDIT_CARD");
        watermark("2026-11-02T00:00:00"); // October evaluated: STAR_5 by holding
        hold("C1");
        watermark("2026-12-02T00:00:00"); // November: below STAR_5 once, not a downgrade month
        assertThat(changes()).extracting(TierChange::getToTier).containsExactly(Tier.STAR_5);

        watermark("2027-01-02T00:00:00"); // December: below twice, STAR_5's grace is 2 months
        assertThat(changes()).extracting(TierChange::getToTier).containsExactly(Tier.STAR_5);

        for (String monthStart : List.of("2027-02-02", "2027-03-02", "2027-04-02", "2027-05-02", "2027-06-02",
                "2027-07-02")) {
            watermark(monthStart + "T00:00:00"); // silent months are still evaluated
        }
        assertThat(changes()).extracting(TierChange::getToTier).containsExactly(Tier.STAR_5, Tier.NOT_RATED);
        assertThat(changes().get(1).getEvaluatedMonth()).isEqualTo("2027-06");
        assertThat(changes().get(1).getMonthsBelow()).isEqualTo(8);
    }
}
