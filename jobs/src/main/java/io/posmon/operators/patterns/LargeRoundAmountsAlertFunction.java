package io.posmon.operators.patterns;

import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.schema.MerchantAlert;
import java.util.List;
import java.util.Map;

/** Turns one match of the large-round-amounts pattern into an alert listing the matched sales. */
public final class LargeRoundAmountsAlertFunction implements MatchToAlert {

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
    public MerchantAlert alert(Map<String, List<PatternCandidate>> match) {
        List<PatternCandidate> events = match.get("large-round");
        long firstTime = events.get(0).transaction.eventTime;
        return MatchAlert.of(rule, events, withinMillis, evidenceLimit, calendar, (merchant, total, localTime) ->
                String.format("%s: %d large round-amount sales totalling %s within %d min (first %s)", merchant,
                        events.size(), MoneyFormat.format(total, currency), withinMillis / 60_000,
                        localTime.apply(firstTime)));
    }
}
