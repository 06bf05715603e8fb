package io.posmon.sources;

import io.posmon.operators.EngineConfig;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.PosTransaction;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/** Event time for the two inputs. */
public final class Watermarks {

    private Watermarks() {
    }

    /**
     * Transactions: bounded out-of-orderness from the engine policy; a partition idle for the
     * configured time stops holding event time back. Dead letters carry no usable time and never
     * move the watermark.
     */
    public static WatermarkStrategy<Either<DeadLetter, PosTransaction>> transactions(EngineConfig engine) {
        return WatermarkStrategy.<Either<DeadLetter, PosTransaction>>forBoundedOutOfOrderness(
                        Duration.ofMillis(engine.maxOutOfOrdernessMillis()))
                .withTimestampAssigner((e, kafkaTime) -> e.isRight() ? e.right().getEventTime().toEpochMilli() : Long.MIN_VALUE)
                .withIdleness(Duration.ofMillis(engine.sourceIdleTimeoutMillis()));
    }

    /**
     * Profiles, holdings and rule sets are reference data, not events: they apply as they arrive.
     * Their sources make no watermarks; {@link ReferenceDataTime} then declares them idle where
     * they meet the transactions, so they never move nor hold back event time.
     */
    public static <T> WatermarkStrategy<Either<DeadLetter, T>> referenceData() {
        return WatermarkStrategy.<Either<DeadLetter, T>>noWatermarks()
                .withTimestampAssigner((e, kafkaTime) -> kafkaTime);
    }
}
