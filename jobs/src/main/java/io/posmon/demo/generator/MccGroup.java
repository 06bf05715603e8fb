package io.posmon.demo.generator;

import io.posmon.schema.MerchantScale;

/**
 * The MCC groups of rules/mcc-groups.yaml with the traffic shape the generator gives each.
 * The typical day and the credit limit copy the defaults of rules/merchant-risk.yaml (peer
 * baseline and daily credit limit) so that {@link NormalEnvelope} can keep normal merchants
 * well below them; amounts in yuan, per scale MICRO, SMALL, MEDIUM, LARGE.
 */
enum MccGroup {
    //             ticket range yuan   rhythm                instalments  typical day amount                      typical day count              daily credit limit
    GROCERY(20, 600, DailyRhythm.GROCERY, false, of(3_000, 12_000, 60_000, 400_000), of(40, 150, 600, 4_000), of(20_000, 50_000, 300_000, 2_000_000)),
    RESTAURANT(30, 400, DailyRhythm.MEALS, false, of(2_500, 8_000, 40_000, 200_000), of(30, 80, 350, 1_500), of(20_000, 50_000, 200_000, 1_000_000)),
    RETAIL(50, 3_000, DailyRhythm.SHOPPING, true, of(4_000, 20_000, 100_000, 600_000), of(20, 80, 350, 2_000), of(30_000, 100_000, 500_000, 3_000_000)),
    JEWELRY_LUXURY(2_000, 50_000, DailyRhythm.SHOPPING, false, of(20_000, 60_000, 200_000, 1_000_000), of(5, 12, 40, 150), of(100_000, 300_000, 1_000_000, 5_000_000)),
    WHOLESALE(200, 100_000, DailyRhythm.OFFICE, false, of(20_000, 100_000, 400_000, 2_000_000), of(10, 30, 100, 400), of(100_000, 500_000, 2_000_000, 10_000_000)),
    AUTO(5_000, 200_000, DailyRhythm.OFFICE, true, of(40_000, 200_000, 1_000_000, 4_000_000), of(3, 8, 25, 80), of(200_000, 1_000_000, 5_000_000, 20_000_000)),
    TRAVEL(100, 20_000, DailyRhythm.ALL_DAY, false, of(10_000, 40_000, 200_000, 1_000_000), of(10, 40, 150, 600), of(50_000, 200_000, 1_000_000, 5_000_000)),
    HOME(100, 50_000, DailyRhythm.SHOPPING, true, of(20_000, 60_000, 200_000, 1_000_000), of(5, 15, 50, 200), of(100_000, 300_000, 1_000_000, 5_000_000)),
    SERVICES(20, 2_000, DailyRhythm.SHOPPING, false, of(2_000, 8_000, 40_000, 200_000), of(15, 50, 200, 800), of(20_000, 50_000, 200_000, 1_000_000)),
    OTHER(10, 5_000, DailyRhythm.SHOPPING, false, of(2_000, 8_000, 40_000, 200_000), of(15, 50, 200, 800), of(20_000, 50_000, 200_000, 1_000_000));

    final long minTicketMinor;
    final long maxTicketMinor;
    final DailyRhythm rhythm;
    final boolean sellsOnInstalments;
    private final long[] typicalDayYuan;
    private final long[] typicalDayCount;
    private final long[] creditLimitYuan;

    MccGroup(long minTicketYuan, long maxTicketYuan, DailyRhythm rhythm, boolean sellsOnInstalments,
             long[] typicalDayYuan, long[] typicalDayCount, long[] creditLimitYuan) {
        this.minTicketMinor = minTicketYuan * 100;
        this.maxTicketMinor = maxTicketYuan * 100;
        this.rhythm = rhythm;
        this.sellsOnInstalments = sellsOnInstalments;
        this.typicalDayYuan = typicalDayYuan;
        this.typicalDayCount = typicalDayCount;
        this.creditLimitYuan = creditLimitYuan;
    }

    long typicalDayAmountMinor(MerchantScale scale) {
        return typicalDayYuan[scale.ordinal()] * 100;
    }

    int typicalDayCount(MerchantScale scale) {
        return (int) typicalDayCount[scale.ordinal()];
    }

    long dailyCreditLimitMinor(MerchantScale scale) {
        return creditLimitYuan[scale.ordinal()] * 100;
    }

    /** A peer merchant's average ticket. */
    long typicalTicketMinor(MerchantScale scale) {
        return typicalDayAmountMinor(scale) / typicalDayCount(scale);
    }

    private static long[] of(long... perScale) {
        return perScale;
    }
}
