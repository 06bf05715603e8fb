package io.posmon.operators;

import java.io.Serializable;

/** MCC to group lookup as a flat array over all 10,000 codes: one index per event, no hashing. */
public final class MccGroupTable implements Serializable {

    private final String[] groupByCode;
    private final String fallback;

    public MccGroupTable(String[] groupByCode, String fallback) {
        if (groupByCode.length != 10_000) {
            throw new IllegalArgumentException("need one entry per 4-digit MCC");
        }
        this.groupByCode = groupByCode.clone();
        this.fallback = fallback;
    }

    /** The group of an MCC; the fallback for codes in no group, unknown or malformed codes. */
    public String groupOf(String mcc) {
        if (mcc == null || mcc.length() != 4) {
            return fallback;
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            char c = mcc.charAt(i);
            if (c < '0' || c > '9') {
                return fallback;
            }
            code = code * 10 + (c - '0');
        }
        String group = groupByCode[code];
        return group == null ? fallback : group;
    }

    public String fallback() {
        return fallback;
    }
}
