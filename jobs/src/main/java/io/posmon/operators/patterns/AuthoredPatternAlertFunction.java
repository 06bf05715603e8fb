package io.posmon.operators.patterns;

import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.schema.MerchantAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One match of an authored pattern rule becomes one alert listing the matched transactions in step order. */
public final class AuthoredPatternAlertFunction implements MatchToAlert {

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
    public MerchantAlert alert(Map<String, List<PatternCandidate>> match) {
        List<PatternCandidate> events = new ArrayList<>();
        for (String step : stepNames) {
            events.addAll(match.getOrDefault(step, List.of()));
        }
        PatternCandidate first = events.get(0);
        return MatchAlert.of(rule, events, withinMillis, evidenceLimit, calendar, (merchant, total, localTime) ->
                String.format("%s: %s - %d transactions totalling %s from %s", merchant,
                        rule.description() == null ? rule.id() : rule.description(), events.size(),
                        MoneyFormat.format(total, first.transaction.currency), localTime.apply(first.transaction.eventTime)));
    }
}
