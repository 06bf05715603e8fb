package io.posmon.sources;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Takes reference data (profiles, rule sets) out of event time where it meets the transactions:
 * it declares itself idle for good, so the operator's event time is the transactions' alone, and
 * drops every watermark from upstream, the end-of-time one of a finished bounded input included.
 *
 * <p>Why not a watermark at the end of time (as before): while every transaction source reader is
 * idle (no Kafka partition yet at start-up, or no traffic for sourceIdleTimeout), the end of time
 * would become the operator's watermark and every later transaction would be late.
 */
public final class ReferenceDataTime<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    @Override
    public void open() throws Exception {
        super.open();
        output.emitWatermarkStatus(WatermarkStatus.IDLE);
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        // Reference data has no event time.
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idle for good, whatever upstream says.
    }
}
