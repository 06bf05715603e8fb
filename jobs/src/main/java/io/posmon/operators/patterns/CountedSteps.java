package io.posmon.operators.patterns;

import io.posmon.rules.expressions.TransactionExpressions;
import java.io.Serializable;
import java.util.List;

/**
 * A pattern whose every step takes an exact number of transactions ({@code times: N}, never "or
 * more", never optional) with other candidates allowed in between (RELAXED), and where the next
 * match starts after the last one: the shape of every shipped pattern rule. Such a pattern needs
 * none of flink-cep's branching: a partial match is a list of the transactions each step has taken,
 * so {@link CountedStepsMatcher} runs it on one small value per key instead of flink-cep's NFA state,
 * shared buffer and event counter. Other patterns run on flink-cep.
 *
 * @param steps        in order, at least one
 * @param withinMillis the whole match must begin and end within this time; 0 for no window
 */
public record CountedSteps(List<Step> steps, long withinMillis) implements Serializable {

    public CountedSteps {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a pattern needs at least one step");
        }
    }

    /** One step: its name (the key of its transactions in the match), how many it takes, and its condition. */
    public record Step(String name, int times, StepCondition when) implements Serializable {
        public Step {
            if (times < 1) {
                throw new IllegalArgumentException("step " + name + " takes " + times + " transactions");
            }
        }
    }

    /** A step's condition: the candidate and the transactions the match has taken so far, per step. */
    @FunctionalInterface
    public interface StepCondition extends Serializable {
        boolean test(PatternCandidate candidate, TransactionExpressions.StepEvents matched) throws Exception;

        /**
         * The tx fields (names as in {@code matched}, without "tx.") it reads from the transactions a
         * match has taken, so that a taken transaction keeps only those ({@link TakenLayout}); null
         * when not known: then it keeps them all.
         */
        default java.util.Set<String> matchedFieldsRead() {
            return null;
        }
    }
}
