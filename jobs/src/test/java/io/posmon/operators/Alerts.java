package io.posmon.operators;

import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import java.util.List;
import java.util.stream.Collectors;

/** One-line views of alerts, so a test can assert a whole outcome in one readable line. */
final class Alerts {

    private Alerts() {
    }

    /** "STAGE date observed/threshold", e.g. "TRIGGERED 2026-11-23 2000001/2000000". */
    static List<String> brief(List<MerchantAlert> alerts) {
        return alerts.stream()
                .map(a -> a.getStage() + " " + a.getBusinessDate() + " " + a.getObservedAmountMinor() + "/"
                        + a.getThresholdAmountMinor())
                .collect(Collectors.toList());
    }

    static List<String> evidenceIds(MerchantAlert alert) {
        return alert.getEvidence().stream().map(EvidenceTransaction::getTransactionId).collect(Collectors.toList());
    }
}
