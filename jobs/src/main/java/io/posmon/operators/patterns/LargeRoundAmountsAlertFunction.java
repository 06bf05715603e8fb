package io.posmon.operators.patterns;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.schema.AlertStage;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Turns one match of the large-round-amounts pattern into an alert listing the matched sales. */
public final class LargeRoundAmountsAlertFunction extends PatternProcessFunction<PatternCandidate, MerchantAlert> {

    private final RuleInfo rule;
    private final String currency;
    private final long withinMillis;
    private final int evidenceLimit;
    private final BusinessCalendar calendar;

    LargeRoundAmountsAlertFunction(RuleInfo rule, String currency, long withinMillis, int evidenceLimit,
                                   BusinessCalendar calendar) {
        this.rule = rule;
        this.currency = currency;
        this.withinMillis = withinMillis;
        this.evidenceLimit = evidenceLimit;
        this.calendar = calendar;
    }

    @Override
    public void processMatch(Map<String, List<PatternCandidate>> match, Context ctx, Collector<MerchantAlert> out) {
        List<PatternCandidate> events = match.get("large-round");
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
        var merchant = first.snapshot();
        String summary = String.format("%s: %d large round-amount sales totalling %s within %d min (first %s)",
                AlertFactory.label(merchant), events.size(), MoneyFormat.format(total, currency),
                withinMillis / 60_000, calendar.localDateTime(first.transaction.eventTime));
        // The first matched sale identifies the burst: a replay matches the same sales, so the same id.
        String windowKey = "match:" + first.transaction.transactionId;
        out.collect(AlertFactory.start(rule, AlertStage.TRIGGERED, windowKey, merchant, summary)
                .setBusinessDate(LocalDate.ofEpochDay(calendar.businessDay(last.transaction.eventTime)))
                .setWindowStart(Instant.ofEpochMilli(first.transaction.eventTime))
                .setWindowEnd(Instant.ofEpochMilli(first.transaction.eventTime + withinMillis))
                .setTriggeredAt(Instant.ofEpochMilli(last.transaction.eventTime))
                .setCurrency(currency)
                .setObservedAmountMinor(total)
                .setObservedCount(events.size())
                .setEvidence(evidence)
                .build());
    }
}
