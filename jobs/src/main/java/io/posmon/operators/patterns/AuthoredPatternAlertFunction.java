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

/** One match of an authored pattern rule becomes one alert listing the matched transactions in step order. */
public final class AuthoredPatternAlertFunction extends PatternProcessFunction<PatternCandidate, MerchantAlert> {

    private final RuleInfo rule;
    private final List<String> stepNames;
    private final long withinMillis;
    private final int evidenceLimit;
    private final BusinessCalendar calendar;

    AuthoredPatternAlertFunction(RuleInfo rule, List<String> stepNames, long withinMillis, int evidenceLimit,
                                 BusinessCalendar calendar) {
        this.rule = rule;
        this.stepNames = List.copyOf(stepNames);
        this.withinMillis = withinMillis;
        this.evidenceLimit = evidenceLimit;
        this.calendar = calendar;
    }

    @Override
    public void processMatch(Map<String, List<PatternCandidate>> match, Context ctx, Collector<MerchantAlert> out) {
        List<PatternCandidate> events = new ArrayList<>();
        for (String step : stepNames) {
            events.addAll(match.getOrDefault(step, List.of()));
        }
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
        String currency = first.transaction.currency;
        String summary = String.format("%s: %s - %d transactions totalling %s from %s",
                AlertFactory.label(merchant), rule.description() == null ? rule.id() : rule.description(),
                events.size(), MoneyFormat.format(total, currency), calendar.localDateTime(first.transaction.eventTime));
        out.collect(AlertFactory.start(rule, AlertStage.TRIGGERED, "match:" + first.transaction.transactionId, merchant,
                        summary)
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
