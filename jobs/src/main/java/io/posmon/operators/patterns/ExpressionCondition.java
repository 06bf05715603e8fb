package io.posmon.operators.patterns;

import io.posmon.rules.expressions.TransactionExpressions;
import java.util.List;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition in the expression language. It may look at the transactions the match has
 * taken so far, per step ({@code matched.<step>}); those are read from flink-cep only when the
 * expression asks for them.
 */
final class ExpressionCondition extends IterativeCondition<PatternCandidate> implements CountedSteps.StepCondition {

    private final String expression;
    private final List<String> stepNames;
    private transient TransactionExpressions.Condition condition;

    ExpressionCondition(String expression, List<String> stepNames) {
        this.expression = expression;
        this.stepNames = List.copyOf(stepNames);
    }

    @Override
    public boolean filter(PatternCandidate value, Context<PatternCandidate> ctx) throws Exception {
        return test(value, ctx::getEventsForPattern);
    }

    @Override
    public java.util.Set<String> matchedFieldsRead() {
        return condition().matchedFieldsRead();
    }

    /** The same test on either runtime: flink-cep's context or {@link CountedStepsMatcher}'s taken transactions. */
    @Override
    public boolean test(PatternCandidate value, TransactionExpressions.StepEvents matched) {
        return condition().test(value, matched);
    }

    /** Compiled once, where it runs (it is not serialized with the pattern). */
    private TransactionExpressions.Condition condition() {
        if (condition == null) {
            condition = TransactionExpressions.stepCondition(expression, stepNames);
        }
        return condition;
    }
}
