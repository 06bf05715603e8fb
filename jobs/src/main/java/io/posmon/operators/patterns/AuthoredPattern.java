package io.posmon.operators.patterns;

import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.RuleInfo;
import io.posmon.rules.expressions.TransactionExpressions;
import io.posmon.schema.PosTransaction;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/**
 * An authored pattern rule compiled for flink-cep: steps in order, each a condition with its
 * quantifier and contiguity, over the candidate transactions of each partition, within a window.
 */
public final class AuthoredPattern implements CompiledPattern {

    /** One step: its condition, how many transactions it takes, and how it follows the previous one. */
    public record Step(String name, String when, int min, boolean orMore, boolean optional, boolean strict)
            implements Serializable {
    }

    /** Transaction fields a pattern may be partitioned by, read from a candidate. */
    public enum PartitionField { merchantId, customerId, cardToken, terminalId }

    private final RuleInfo rule;
    private final List<PartitionField> partitionBy;
    private final String candidates;
    private final long withinMillis;
    private final List<Step> steps;
    private final int evidenceLimit;
    private final BusinessCalendar calendar;
    private transient TransactionExpressions.Condition candidateCondition;

    public AuthoredPattern(RuleInfo rule, List<PartitionField> partitionBy, String candidates, long withinMillis,
                           List<Step> steps, int evidenceLimit, BusinessCalendar calendar) {
        this.rule = rule;
        this.partitionBy = List.copyOf(partitionBy);
        this.candidates = candidates;
        this.withinMillis = withinMillis;
        this.steps = List.copyOf(steps);
        this.evidenceLimit = evidenceLimit;
        this.calendar = calendar;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    @Override
    public boolean accepts(PosTransaction tx, Supplier<PatternCandidate> candidate) {
        if (candidates == null) {
            return true;
        }
        if (candidateCondition == null) {
            candidateCondition = TransactionExpressions.condition(candidates);
        }
        return candidateCondition.test(candidate.get());
    }

    @Override
    public KeySelector<PatternCandidate, String> key() {
        List<PartitionField> fields = partitionBy;
        return c -> {
            StringBuilder key = new StringBuilder();
            for (PartitionField f : fields) {
                key.append(switch (f) {
                    case merchantId -> c.merchantId;
                    case customerId -> c.customerId;
                    case cardToken -> c.cardToken;
                    case terminalId -> c.terminalId;
                }).append('|');
            }
            return key.toString();
        };
    }

    @Override
    public Pattern<PatternCandidate, PatternCandidate> pattern() {
        List<String> names = new ArrayList<>();
        steps.forEach(s -> names.add(s.name()));
        Pattern<PatternCandidate, PatternCandidate> pattern = null;
        for (Step step : steps) {
            if (pattern == null) {
                pattern = Pattern.begin(step.name(), AfterMatchSkipStrategy.skipPastLastEvent());
            } else {
                pattern = step.strict() ? pattern.next(step.name()) : pattern.followedBy(step.name());
            }
            pattern = pattern.where(new ExpressionCondition(step.when(), names));
            if (step.orMore()) {
                pattern = pattern.timesOrMore(step.min());
            } else if (step.min() > 1) {
                pattern = pattern.times(step.min());
            }
            if (step.strict() && (step.orMore() || step.min() > 1)) {
                pattern = pattern.consecutive();
            }
            if (step.optional()) {
                pattern = pattern.optional();
            }
        }
        return pattern.within(Duration.ofMillis(withinMillis));
    }

    @Override
    public CountedSteps countedSteps() {
        List<String> names = new ArrayList<>();
        steps.forEach(s -> names.add(s.name()));
        List<CountedSteps.Step> counted = new ArrayList<>();
        for (Step step : steps) {
            if (step.orMore() || step.optional() || step.strict()) {
                return null;
            }
            counted.add(new CountedSteps.Step(step.name(), Math.max(1, step.min()),
                    new ExpressionCondition(step.when(), names)));
        }
        return new CountedSteps(counted, withinMillis);
    }

    @Override
    public AuthoredPatternAlertFunction alertFunction() {
        List<String> names = new ArrayList<>();
        steps.forEach(s -> names.add(s.name()));
        return new AuthoredPatternAlertFunction(rule, names, withinMillis, evidenceLimit, calendar);
    }
}
