package io.posmon.operators.patterns;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.RuleInfo;
import io.posmon.schema.AlertStage;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantSnapshot;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** One pattern match as an alert: the matched transactions as evidence, their count and total. */
final class MatchAlert {

    private MatchAlert() {
    }

    /**
     * @param events  the matched transactions in order
     * @param summary the alert's line for the desk, given the merchant and the matched total
     */
    static MerchantAlert of(RuleInfo rule, List<PatternCandidate> events, long withinMillis, int evidenceLimit,
                            BusinessCalendar calendar, SummaryLine summary) {
        PatternCandidate first = events.get(0);
        PatternCandidate last = events.get(events.size() - 1);
        long total = 0;
        List<EvidenceTransaction> evidence = new ArrayList<>();
        for (PatternCandidate e : events) {
            total += e.transaction.amountMinor;
            if (evidence.size() < evidenceLimit) {
                evidence.add(e.transaction.toAvro());
            }
        }
        MerchantSnapshot merchant = first.snapshot();
        // The first matched transaction identifies the match: a replay matches the same ones, so the same id.
        return AlertFactory.start(rule, AlertStage.TRIGGERED, "match:" + first.transaction.transactionId, merchant,
                        summary.line(AlertFactory.label(merchant), total, calendar::localDateTime))
                .setBusinessDate(LocalDate.ofEpochDay(calendar.businessDay(last.transaction.eventTime)))
                .setWindowStart(Instant.ofEpochMilli(first.transaction.eventTime))
                .setWindowEnd(Instant.ofEpochMilli(first.transaction.eventTime + withinMillis))
                .setTriggeredAt(Instant.ofEpochMilli(last.transaction.eventTime))
                .setCurrency(first.transaction.currency)
                .setObservedAmountMinor(total)
                .setObservedCount(events.size())
                .setEvidence(evidence)
                .build();
    }

    /** The summary of a match, from the merchant's label, the total and a local-time formatter. */
    @FunctionalInterface
    interface SummaryLine {
        String line(String merchantLabel, long totalMinor, LongFunction<String> localTime);
    }
}
