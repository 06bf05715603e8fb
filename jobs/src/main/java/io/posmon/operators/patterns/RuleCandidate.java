package io.posmon.operators.patterns;

/**
 * A candidate transaction on its way to one pattern rule: the pattern operator is keyed by
 * {@link #routeKey} (rule, rule version, partition), and {@link #rulesSequence} says under which
 * rule set the merchant operator chose it, so the pattern operator can tell a rule set it has not
 * received yet from one it has already replaced.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(CandidateSerialization.RuleCandidateTypeFactory.class)
public class RuleCandidate {
    public String routeKey;
    public long rulesSequence;
    public PatternCandidate candidate;

    public RuleCandidate() {
    }

    public RuleCandidate(String routeKey, long rulesSequence, PatternCandidate candidate) {
        this.routeKey = routeKey;
        this.rulesSequence = rulesSequence;
        this.candidate = candidate;
    }

    public String routeKey() {
        return routeKey;
    }
}
