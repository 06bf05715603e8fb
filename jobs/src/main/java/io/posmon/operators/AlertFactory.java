package io.posmon.operators;

import io.posmon.schema.AlertStage;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Starts every alert the same way, with an id a replay of the same input reproduces. */
public final class AlertFactory {

    private AlertFactory() {
    }

    /** Name-based UUID of rule, merchant and the window the alert covers: same input, same id. */
    public static String alertId(String ruleId, String merchantId, String windowKey) {
        return UUID.nameUUIDFromBytes((ruleId + '|' + merchantId + '|' + windowKey).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static MerchantSnapshot snapshot(String merchantId, MerchantProfile profile) {
        MerchantSnapshot.Builder b = MerchantSnapshot.newBuilder().setMerchantId(merchantId);
        if (profile == null) {
            return b.setProfileKnown(false).build();
        }
        return b.setName(profile.getName())
                .setMcc(profile.getMcc())
                .setAddress(profile.getAddress())
                .setRegion(profile.getRegion())
                .setScale(profile.getScale())
                .setProfileKnown(true)
                .build();
    }

    public static MerchantAlert.Builder start(RuleInfo rule, AlertStage stage, String windowKey,
                                              MerchantSnapshot merchant, String summary) {
        return MerchantAlert.newBuilder()
                .setAlertId(alertId(rule.id(), merchant.getMerchantId(), windowKey))
                .setRuleId(rule.id())
                .setRuleVersion(rule.version())
                .setKind(rule.kind())
                .setStage(stage)
                .setSeverity(rule.severity())
                .setRecommendedAction(rule.action())
                .setSummary(summary)
                .setMerchant(merchant)
                .setEvidence(List.of())
                .setDetectedAt(Instant.now());
    }

    /** "M000123 (Noodle House)" or just the id when no profile is known. */
    public static String label(MerchantSnapshot merchant) {
        return merchant.getName() == null
                ? merchant.getMerchantId() + " (no profile)"
                : merchant.getMerchantId() + " (" + merchant.getName() + ")";
    }
}
