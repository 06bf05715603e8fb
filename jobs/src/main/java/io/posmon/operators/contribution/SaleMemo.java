package io.posmon.operators.contribution;

/** A customer's sale, remembered for the refund window so its undo or refund knows what it counted for. */
@org.apache.flink.api.common.typeinfo.TypeInfo(ContributionStateSerialization.SaleMemoType.class)
public class SaleMemo {
    public long eventTime;
    public long remainingMinor;
    public boolean eligible;
    public boolean instalment;
    public int feeRateBps;
    public String mccGroup;

    public SaleMemo() {
    }
}
