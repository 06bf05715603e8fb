package io.posmon.testing;

import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.SettlementAccountType;
import java.time.Instant;

/** Merchant profiles for tests. */
public final class Merchants {

    private Merchants() {
    }

    public static MerchantProfile.Builder profile(String id, String mcc, MerchantScale scale) {
        return MerchantProfile.newBuilder()
                .setMerchantId(id)
                .setName("Merchant " + id)
                .setMcc(mcc)
                .setAddress("1 Test Road, Hangzhou")
                .setRegion("CN-ZJ")
                .setScale(scale)
                .setFeeRateBps(60)
                .setSettlementAccountType(SettlementAccountType.CORPORATE)
                .setStatus(MerchantStatus.ACTIVE)
                .setDailyCreditLimitMinor(null)
                .setUpdatedAt(Instant.parse("2026-11-01T00:00:00Z"));
    }
}
