package io.posmon.operators.contribution;

import io.posmon.schema.Tier;
import java.util.ArrayList;
import java.util.List;

/** Per customer (or merchant): region, tier and where the month-end evaluations stand. */
@org.apache.flink.api.common.typeinfo.TypeInfo(ContributionStateSerialization.SubjectStateType.class)
public class SubjectState {
    public String region;
    public Tier tier = Tier.NOT_RATED;
    /** Consecutive month-end evaluations below the current tier's threshold. */
    public int monthsBelow;
    /** Month index (year x 12 + month - 1) of the last evaluation; Integer.MIN_VALUE when none. */
    public int lastEvaluatedMonth = Integer.MIN_VALUE;
    public int lastSalesCleanupDay = Integer.MIN_VALUE;
    /**
     * No sale kept for refunds is older than this (event time; Long.MAX_VALUE: none kept), so the
     * daily cleanup reads the sales only when one of them can have left the refund window. Null:
     * not known (state written before this field existed), and the next cleanup finds out.
     */
    public Long oldestSaleTime;

    /** A subject seen for the first time: nothing kept yet. */
    public static SubjectState fresh() {
        SubjectState s = new SubjectState();
        s.oldestSaleTime = Long.MAX_VALUE;
        return s;
    }
    /** Products the customer holds (from the optional holdings input); some set a tier floor. */
    public List<String> products = new ArrayList<>();

    public SubjectState() {
    }
}
