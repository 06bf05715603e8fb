package io.posmon.operators.patterns;

import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.RuleInfo;
import io.posmon.schema.PosTransaction;
import java.util.function.Supplier;
import java.time.Duration;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/**
 * Rule 3 compiled: the flink-cep pattern "minCount large round sales within the window", with the
 * pre-filter that decides which transactions the CEP operator sees at all.
 */
public final class LargeRoundAmountsPattern implements CompiledPattern {

    private final RuleInfo rule;
    private final LargeRoundAmountCondition condition;
    private final int minCount;
    private final long withinMillis;
    private final String currency;
    private final int evidenceLimit;
    private final BusinessCalendar calendar;

    public LargeRoundAmountsPattern(RuleInfo rule, LargeRoundAmountCondition condition, int minCount,
                                    long withinMillis, String currency, int evidenceLimit, BusinessCalendar calendar) {
        this.rule = rule;
        this.condition = condition;
        this.minCount = minCount;
        this.withinMillis = withinMillis;
        this.currency = currency;
        this.evidenceLimit = evidenceLimit;
        this.calendar = calendar;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    public LargeRoundAmountCondition condition() {
        return condition;
    }

    @Override
    public boolean accepts(PosTransaction tx, Supplier<PatternCandidate> candidate) {
        return condition.accepts(tx);
    }

    @Override
    public KeySelector<PatternCandidate, String> key() {
        return c -> c.merchantId;
    }

    /**
     * minCount matching sales in any order of other traffic (relaxed contiguity), within the window;
     * after a match, the next match starts after its last event, so one burst raises one alert.
     */
    @Override
    public Pattern<PatternCandidate, PatternCandidate> pattern() {
        return Pattern.<PatternCandidate>begin("large-round", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(condition)
                .times(minCount)
                .within(Duration.ofMillis(withinMillis));
    }

    @Override
    public CountedSteps countedSteps() {
        return new CountedSteps(java.util.List.of(new CountedSteps.Step("large-round", minCount, condition)), withinMillis);
    }

    @Override
    public LargeRoundAmountsAlertFunction alertFunction() {
        return new LargeRoundAmountsAlertFunction(rule, currency, withinMillis, evidenceLimit, calendar);
    }
}
