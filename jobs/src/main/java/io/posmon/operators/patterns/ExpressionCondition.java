package io.posmon.operators.patterns;

import io.posmon.rules.expressions.TransactionExpressions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition in the expression language. It may look at the transactions the match has
 * taken so far, per step ({@code matched.<step>}); those are gathered only when the expression uses them.
 */
final class ExpressionCondition extends IterativeCondition<PatternCandidate> {

    private final String expression;
    private final List<String> stepNames;
    private final boolean usesMatched;
    private transient TransactionExpressions.Condition condition;

    ExpressionCondition(String expression, List<String> stepNames) {
        this.expression = expression;
        this.stepNames = List.copyOf(stepNames);
        this.usesMatched = expression.contains("matched");
    }

    @Override
    public boolean filter(PatternCandidate value, Context<PatternCandidate> ctx) throws Exception {
        if (condition == null) {
            condition = TransactionExpressions.condition(expression, true);
        }
        return condition.test(value, () -> usesMatched ? matched(ctx) : Map.of());
    }

    /** The transactions each step has taken so far, as the expression sees them. */
    private Map<String, List<Map<String, Object>>> matched(Context<PatternCandidate> ctx) {
        Map<String, List<Map<String, Object>>> matched = new HashMap<>();
        try {
            for (String step : stepNames) {
                List<Map<String, Object>> events = new ArrayList<>();
                for (PatternCandidate c : ctx.getEventsForPattern(step)) {
                    events.add(TransactionExpressions.fields(c));
                }
                matched.put(step, events);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the events matched so far", e);
        }
        return matched;
    }
}
