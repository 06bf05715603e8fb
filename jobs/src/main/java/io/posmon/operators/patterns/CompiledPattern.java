package io.posmon.operators.patterns;

import io.posmon.operators.RuleInfo;
import io.posmon.schema.PosTransaction;
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.pattern.Pattern;

/**
 * A rule compiled to a flink-cep pattern: which transactions the pattern operator runs it on (the
 * merchant operator sends only those), how they are partitioned, the pattern, and how a match
 * becomes an alert.
 */
public interface CompiledPattern extends Serializable {

    RuleInfo rule();

    /** Whether the pattern should see this approved, first-seen transaction at all. */
    boolean accepts(PosTransaction tx, Supplier<PatternCandidate> candidate);

    KeySelector<PatternCandidate, String> key();

    Pattern<PatternCandidate, PatternCandidate> pattern();

    MatchToAlert alertFunction();

    /**
     * The same pattern as {@link #pattern()} in the form {@link CountedStepsMatcher} runs, or null when
     * it needs flink-cep (a step that takes "or more", an optional step, STRICT contiguity).
     */
    default CountedSteps countedSteps() {
        return null;
    }

    /**
     * The key of this rule's partition that a candidate belongs to in the pattern operator: rule,
     * rule version and partition, so each key runs one rule's NFA and an edited rule starts afresh.
     */
    default String routeKey(PatternCandidate candidate) throws Exception {
        return ruleVersion() + "|" + key().getKey(candidate);
    }

    /** Rule id and version, the first part of a route key. */
    default String ruleVersion() {
        return rule().id() + "@" + rule().version();
    }

    /** The rule and version part of a {@link #routeKey}. */
    static String ruleOf(String routeKey) {
        return routeKey.substring(0, routeKey.indexOf('|'));
    }
}
