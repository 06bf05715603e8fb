package io.posmon.demo.generator;

import io.posmon.schema.MerchantScale;

/**
 * The most a normal merchant may sell in a clock hour and a business day: half of each trigger
 * level of the default rules (volume jump on the peer table, daily credit limit), so normal
 * traffic never alerts even with hour-boundary jitter and unlucky draws. Amounts in fen.
 */
record NormalEnvelope(long hourAmountMinor, int hourCount, long dayAmountMinor, int dayCount, long dayCreditMinor) {

    // Default volume-jump windows: DAY ratio 3, min 20,000.00 / 30; HOUR ratio 5, min 10,000.00 / 20; 12 active hours.
    static NormalEnvelope of(MccGroup group, MerchantScale scale) {
        long dayAmount = group.typicalDayAmountMinor(scale);
        int dayCount = group.typicalDayCount(scale);
        return new NormalEnvelope(
                Math.max(dayAmount * 5 / 12, 10_000_00L) / 2,
                Math.max(dayCount * 5 / 12, 20) / 2,
                Math.max(dayAmount * 3, 20_000_00L) / 2,
                Math.max(dayCount * 3, 30) / 2,
                group.dailyCreditLimitMinor(scale) / 2);
    }
}
