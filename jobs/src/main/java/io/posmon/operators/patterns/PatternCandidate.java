package io.posmon.operators.patterns;

import io.posmon.operators.EvidenceItem;
import io.posmon.operators.TransactionContext;
import io.posmon.rules.expressions.TransactionExpressions;
import java.util.Map;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantSnapshot;
import io.posmon.schema.PosTransaction;

/**
 * A transaction that can satisfy a pattern rule, with the merchant data its alert needs. Only such
 * transactions reach the CEP operator: feeding it every event costs ~30x more (see STACK.md).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CandidateSerialization.PatternCandidateTypeFactory.class)
public class PatternCandidate {
    public String merchantId;
    public EvidenceItem transaction;
    public String merchantName;
    public String mcc;
    public String address;
    public String region;
    public MerchantScale scale;
    public boolean profileKnown;
    // What authored pattern rules may test besides the evidence fields:
    public String customerId;
    public String cardToken;
    public String terminalId;
    public String entryMode;
    public int installments;
    public int hourOfDay;
    public int dayOfWeek;
    public String mccGroup;
    public int feeRateBps;
    public String merchantStatus;
    public String settlementAccountType;

    /** Made once per transaction however many authored rules test it; never kept in state. */
    private transient dev.cel.runtime.CelVariableResolver expressionVariables;

    public PatternCandidate() {
    }

    /** The variables authored rule expressions see for this transaction. */
    public dev.cel.runtime.CelVariableResolver expressionVariables() {
        if (expressionVariables == null) {
            expressionVariables = TransactionExpressions.resolver(this);
        }
        return expressionVariables;
    }

    /** With the fields authored pattern conditions can test. */
    public static PatternCandidate of(TransactionContext context) {
        PosTransaction tx = context.tx;
        MerchantProfile profile = context.profile;
        PatternCandidate c;
        if (profile == null) {
            c = of(tx, context.snapshot());
        } else {
            // The snapshot's fields straight from the profile: an Avro builder per candidate was 3% of the
            // merchant operator (each builder copies its schema's field list).
            c = new PatternCandidate();
            c.merchantId = tx.getMerchantId();
            c.transaction = EvidenceItem.of(tx);
            c.merchantName = profile.getName();
            c.mcc = profile.getMcc();
            c.address = profile.getAddress();
            c.region = profile.getRegion();
            c.scale = profile.getScale();
            c.profileKnown = true;
        }
        c.customerId = tx.getCustomerId() == null ? "" : tx.getCustomerId();
        c.cardToken = tx.getCardToken();
        c.terminalId = tx.getTerminalId();
        c.entryMode = tx.getEntryMode().name();
        c.installments = tx.getInstallments();
        c.hourOfDay = context.hourOfDay;
        c.dayOfWeek = java.time.LocalDate.ofEpochDay(context.businessDay).getDayOfWeek().getValue();
        c.mccGroup = context.mccGroup;
        MerchantProfile p = context.profile;
        c.feeRateBps = p == null ? 0 : p.getFeeRateBps();
        c.merchantStatus = p == null ? "" : p.getStatus().name();
        c.settlementAccountType = p == null ? "" : p.getSettlementAccountType().name();
        return c;
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
