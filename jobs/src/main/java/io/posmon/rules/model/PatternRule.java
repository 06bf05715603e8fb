package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.time.Duration;
import java.util.List;

/**
 * A pattern rule written by a rule author: a sequence of named steps, each a condition in the
 * expression language with a quantifier, over the candidate transactions of each partition
 * (merchant by default), within a window. Compiled to a flink-cep Pattern.
 */
public record PatternRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    /** How a step follows the previous one among the candidates: STRICT = next, RELAXED = any later. */
    public enum Contiguity { STRICT, RELAXED }

    /** Transaction fields a pattern can be partitioned by. */
    public enum PartitionField { merchantId, customerId, cardToken, terminalId }

    /**
     * @param partitionBy fields that key the pattern (default: merchantId)
     * @param candidates  condition a transaction must meet to be seen by the pattern at all
     */
    public record Params(List<PartitionField> partitionBy, String candidates, Duration within, List<Step> steps) {
    }

    /**
     * @param when        the step's condition
     * @param times       exactly this many matching transactions (default 1)
     * @param timesOrMore at least this many (instead of times)
     * @param optional    the step may match nothing
     * @param contiguity  how this step follows the previous one (default RELAXED)
     */
    public record Step(String name, String when, Integer times, Integer timesOrMore, Boolean optional,
                       Contiguity contiguity) {
    }
}
