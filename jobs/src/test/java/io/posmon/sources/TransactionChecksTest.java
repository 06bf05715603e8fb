package io.posmon.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.EngineConfig;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import java.nio.file.Path;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.Tx;
import org.junit.jupiter.api.Test;

/** The ingest checks of engine.yaml at their boundaries: amounts and event times ahead of arrival. */
class TransactionChecksTest {

    private static final EngineConfig ENGINE = shippedEngine();
    private static final RecordCheck<PosTransaction> AT_INGEST = TransactionChecks.atIngest(ENGINE);

    private static EngineConfig shippedEngine() {
        try {
            return RuleCompiler.compile(RuleSetLoader.load(Path.of("../rules"))).engine();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PosTransaction sale(long amount) {
        return Tx.sale("T1", "M", "2026-11-23T10:00:00", amount).build();
    }

    @Test
    void theShippedLimitsAreADayAheadAndATrillion() {
        assertThat(ENGINE.maxEventTimeAheadMillis()).isEqualTo(86_400_000L);
        assertThat(ENGINE.maxAmountMinor()).isEqualTo(100_000_000_000_000L);
    }

    @Test
    void anAmountUpToTheMaximumIsTakenOneMinorUnitMoreIsNot() {
        long arrival = sale(1).getEventTime().toEpochMilli();
        assertThat(AT_INGEST.problem(sale(ENGINE.maxAmountMinor()), arrival)).isNull();
        assertThat(AT_INGEST.problem(sale(ENGINE.maxAmountMinor() + 1), arrival)).contains("above maxAmountMinor");
        assertThat(AT_INGEST.problem(sale(Long.MAX_VALUE), arrival)).contains("above maxAmountMinor");
        assertThat(AT_INGEST.problem(sale(0), arrival)).contains("must be positive");
        assertThat(AT_INGEST.problem(sale(-1), arrival)).contains("must be positive");
    }

    @Test
    void anEventTimeUpToADayAfterArrivalIsTakenLaterIsNot() {
        PosTransaction tx = sale(100);
        long eventTime = tx.getEventTime().toEpochMilli();
        long ahead = ENGINE.maxEventTimeAheadMillis();
        assertThat(AT_INGEST.problem(tx, eventTime - ahead)).isNull();
        assertThat(AT_INGEST.problem(tx, eventTime - ahead - 1)).contains("maxEventTimeAhead");
        assertThat(AT_INGEST.problem(tx, eventTime + 3_600_000L)).as("an old event is late, not bad").isNull();
        assertThat(AT_INGEST.problem(tx, -1)).as("no Kafka timestamp: not checked").isNull();
    }
}
