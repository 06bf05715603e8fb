package io.posmon.metrics;

import io.posmon.schema.MerchantAlert;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Passes alerts through to their sink, counting them ({@link AlertMeter}) on the way. */
public final class AlertMetrics extends RichMapFunction<MerchantAlert, MerchantAlert> {

    private transient AlertMeter meter;

    @Override
    public void open(OpenContext openContext) {
        meter = new AlertMeter(getRuntimeContext().getMetricGroup().addGroup("posmon"), System::currentTimeMillis);
    }

    @Override
    public MerchantAlert map(MerchantAlert alert) {
        meter.record(alert);
        return alert;
    }
}
