package io.posmon.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Reference data must never move the transactions' event time, the end of time least of all. */
class ReferenceDataTimeTest {

    @Test
    void declaresItselfIdleAndPassesRecordsButNoWatermarks() throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<String, String>(new ReferenceDataTime<>())) {
            harness.open();
            harness.processElement(new StreamRecord<>("profile-1", 5L));
            harness.processWatermark(new Watermark(1_000L));
            // A bounded reference input that ends sends the end of time: it must not pass.
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
            harness.processElement(new StreamRecord<>("profile-2", 6L));

            assertThat(List.copyOf(harness.getOutput()))
                    .containsExactly(WatermarkStatus.IDLE, new StreamRecord<>("profile-1", 5L), new StreamRecord<>("profile-2", 6L));
        }
    }
}
