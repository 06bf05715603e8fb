package io.posmon.operators;

import io.posmon.operators.checks.KeyedCheck;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.schema.RuleChange;
import io.posmon.schema.RuleInForce;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.schema.RuleSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What changes between two rule sets: the status record the desk reads, and the state to clear. */
final class RuleSetChanges {

    private RuleSetChanges() {
    }

    /**
     * The checks of {@code before} whose state must go: their rule is gone, or its id now names a
     * rule of another kind. A check whose rule was edited keeps its state (today's running sum
     * still counts against a changed limit).
     */
    static List<KeyedCheck> checksToClear(CompiledRules before, CompiledRules after) {
        Map<String, RuleInfo> next = byId(after);
        List<KeyedCheck> clear = new ArrayList<>();
        for (KeyedCheck check : before.keyedChecks()) {
            RuleInfo now = next.get(check.rule().id());
            if (now == null || now.kind() != check.rule().kind()) {
                clear.add(check);
            }
        }
        return clear;
    }

    static RuleSetStatus accepted(RuleSetSnapshot snapshot, LiveRules.Decision decision) {
        Map<String, RuleInfo> before = byId(decision.previous().rules());
        Map<String, RuleInfo> after = byId(decision.next().rules());
        List<RuleInForce> rules = new ArrayList<>();
        after.forEach((id, rule) -> {
            RuleInfo old = before.get(id);
            RuleChange change = old == null ? RuleChange.ADDED
                    : old.version().equals(rule.version()) ? RuleChange.UNCHANGED : RuleChange.EDITED;
            rules.add(new RuleInForce(id, rule.version(), change));
        });
        before.forEach((id, rule) -> {
            if (!after.containsKey(id)) {
                rules.add(new RuleInForce(id, rule.version(), RuleChange.REMOVED));
            }
        });
        return status(snapshot, true, decision.next().sequence(), List.of(), rules);
    }

    static RuleSetStatus rejected(RuleSetSnapshot snapshot, LiveRules.Decision decision) {
        return status(snapshot, false, decision.previous().sequence(), decision.problems(), List.of());
    }

    /** One line for the log: how many rules were added, edited, removed and kept. */
    static String summary(RuleSetStatus status) {
        int[] n = new int[RuleChange.values().length];
        status.getRules().forEach(r -> n[r.getChange().ordinal()]++);
        return String.format("%d added, %d edited, %d removed, %d unchanged", n[RuleChange.ADDED.ordinal()],
                n[RuleChange.EDITED.ordinal()], n[RuleChange.REMOVED.ordinal()], n[RuleChange.UNCHANGED.ordinal()]);
    }

    private static RuleSetStatus status(RuleSetSnapshot snapshot, boolean accepted, long sequence, List<String> problems,
                                        List<RuleInForce> rules) {
        return RuleSetStatus.newBuilder()
                .setVersion(snapshot.getVersion())
                .setAccepted(accepted)
                .setSequence(sequence)
                .setProblems(new ArrayList<>(problems))
                .setRules(rules)
                .setPublishedBy(snapshot.getPublishedBy())
                .setDecidedAt(Instant.now())
                .build();
    }

    private static Map<String, RuleInfo> byId(CompiledRules rules) {
        Map<String, RuleInfo> byId = new LinkedHashMap<>();
        rules.rules().forEach(r -> byId.put(r.id(), r));
        return byId;
    }
}
