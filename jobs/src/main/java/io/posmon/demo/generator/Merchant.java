package io.posmon.demo.generator;

import io.posmon.schema.MerchantProfile;

/**
 * A generated merchant with what the generator needs to make its traffic.
 *
 * @param activity   relative size of its normal day (sales per day before scaling to the requested rate)
 * @param planted    the rule kind it is planted for, or null for a normal merchant
 * @param background whether it makes normal traffic (a suspended merchant only sends its script)
 */
record Merchant(MerchantProfile profile, MccGroup group, int terminals, NormalEnvelope envelope,
                long minTicketMinor, long maxTicketMinor, double activity, PlantedCase planted, boolean background) {

    String id() {
        return profile.getMerchantId();
    }

    /** "T" + the merchant's digits + "-01".."-03". */
    String terminalId(int terminal) {
        return "T" + id().substring(1) + "-0" + (terminal + 1);
    }
}
