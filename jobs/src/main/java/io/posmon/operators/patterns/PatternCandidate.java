package io.posmon.operators.patterns;

import io.posmon.operators.EvidenceItem;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantSnapshot;
import io.posmon.schema.PosTransaction;

/**
 * A transaction that can satisfy a pattern rule, with the merchant data its alert needs. Only such
 * transactions reach the CEP operator: feeding it every event costs ~30x more (see STACK.md).
 */
public class PatternCandidate {
    public String merchantId;
    public EvidenceItem transaction;
    public String merchantName;
    public String mcc;
    public String address;
    public String region;
    public MerchantScale scale;
    public boolean profileKnown;

    public PatternCandidate() {
    }

    public static PatternCandidate of(PosTransaction tx, MerchantSnapshot merchant) {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = tx.getMerchantId();
        c.transaction = EvidenceItem.of(tx);
        c.merchantName = merchant.getName();
        c.mcc = merchant.getMcc();
        c.address = merchant.getAddress();
        c.region = merchant.getRegion();
        c.scale = merchant.getScale();
        c.profileKnown = merchant.getProfileKnown();
        return c;
    }

    public MerchantSnapshot snapshot() {
        return MerchantSnapshot.newBuilder()
                .setMerchantId(merchantId)
                .setName(merchantName)
                .setMcc(mcc)
                .setAddress(address)
                .setRegion(region)
                .setScale(scale)
                .setProfileKnown(profileKnown)
                .build();
    }
}
