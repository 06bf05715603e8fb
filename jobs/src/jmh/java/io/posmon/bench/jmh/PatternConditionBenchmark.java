package io.posmon.bench.jmh;

import dev.cel.runtime.Activation;
import io.posmon.operators.TransactionContext;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.schema.PosTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pattern rules' per-event conditions, on the shipped rules: three authored rules whose
 * conditions are CEL expressions ({@code AuthoredPattern}, {@code ExpressionCondition}) and the
 * built-in large-round-amounts rule, whose conditions are Java ({@code LargeRoundAmountCondition}),
 * for comparison.
 * <ul>
 *   <li>{@code candidateSelection}: what the merchant operator does for every approved transaction
 *       after its keyed checks: ask each pattern rule whether it wants the transaction (the
 *       {@code candidates} expression), building the candidate and its expression variables once,
 *       and make a {@link RuleCandidate} for each rule that does;</li>
 *   <li>{@code buildCandidate}: the candidate and its map of expression variables alone (with the
 *       {@code TransactionContext} it is made from);</li>
 *   <li>{@code candidatesCondition}: one rule's {@code candidates} condition on a ready candidate;</li>
 *   <li>{@code stepCondition}: one rule's last step condition as the pattern operator's NFA calls it,
 *       with the transactions a partial match has taken so far (for a step of {@code times: n}, n-1
 *       of its own, and every earlier step complete: the longest lists a condition sees);</li>
 *   <li>{@code celCopiesVariables}: the part of each evaluation spent before CEL looks at the
 *       expression: {@code Program.eval(Map)} copies the variables into an immutable activation
 *       ({@link Activation#copyOf}) every time (measured alone on the candidates' variable maps).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// CEL's interpreter takes long to reach its compiled speed here (about 15 s on the loaded 2-core machine).
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.posmon.schema", "-Xms1g", "-Xmx1g"})
public class PatternConditionBenchmark {

    /** The approved transactions and every shipped pattern rule. */
    @State(Scope.Thread)
    public static class AllRules {
        Workload w;
        TransactionContext.SeenLookup seen;
        List<CompiledPattern> patterns;
        int i;

        @Setup
        public void setUp() throws Exception {
            w = Workload.get();
            seen = w.seenLookup();
            patterns = w.rules.patterns();
        }

        int next() {
            int k = i;
            if (++i == w.approved.length) {
                i = 0;
            }
            return k;
        }
    }

    /** One pattern rule, and ready candidates (variables built) of the approved transactions. */
    @State(Scope.Thread)
    public static class OneRule {
        @Param({"large-round-amounts", "many-cards-one-customer", "repeated-identical-amounts",
                "night-sales-at-day-merchant"})
        public String rule;

        CompiledPattern pattern;
        PosTransaction[] transactions;
        PatternCandidate[] candidates;
        PatternCandidate current;
        final Supplier<PatternCandidate> supplier = () -> current;
        int i;

        /** The last step's condition, and the candidates it sees with what each partial match holds then. */
        IterativeCondition<PatternCandidate> stepCondition;
        PatternCandidate[] stepInputs;
        MatchedSoFar[] stepContexts;
        int j;

        @Setup
        public void setUp() throws Exception {
            Workload w = Workload.get();
            pattern = w.rules.patterns().stream().filter(p -> p.rule().id().equals(rule)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pattern rule " + rule + " in the rules"));
            TransactionContext.SeenLookup seen = w.seenLookup();
            transactions = w.approved;
            candidates = new PatternCandidate[transactions.length];
            List<PatternCandidate> accepted = new ArrayList<>();
            for (int k = 0; k < candidates.length; k++) {
                candidates[k] = PatternCandidate.of(w.context(k, seen));
                candidates[k].expressionVariables();
                PatternCandidate c = candidates[k];
                if (pattern.accepts(transactions[k], () -> c)) {
                    accepted.add(c);
                }
            }
            // Only candidates reach the step conditions. None in this morning's traffic (the night rule):
            // its step ("true") costs the same on any candidate.
            stepInputs = (accepted.size() >= 16 ? accepted : List.of(candidates)).toArray(new PatternCandidate[0]);

            List<Pattern<PatternCandidate, ?>> steps = new ArrayList<>();
            for (Pattern<PatternCandidate, ?> p = pattern.pattern(); p != null; p = narrow(p.getPrevious())) {
                steps.add(0, p);
            }
            Pattern<PatternCandidate, ?> last = steps.get(steps.size() - 1);
            @SuppressWarnings("unchecked")
            IterativeCondition<PatternCandidate> condition = (IterativeCondition<PatternCandidate>) last.getCondition();
            stepCondition = condition;
            stepContexts = new MatchedSoFar[stepInputs.length];
            int back = 1;
            for (int k = 0; k < stepInputs.length; k++) {
                Map<String, List<PatternCandidate>> matched = new HashMap<>();
                back = 1;
                for (Pattern<PatternCandidate, ?> step : steps) {
                    int taken = step.getTimes() == null ? 1 : step.getTimes().getFrom();
                    if (step == last) {
                        taken--;
                    }
                    List<PatternCandidate> events = new ArrayList<>();
                    for (int n = 0; n < taken; n++, back++) {
                        events.add(stepInputs[Math.floorMod(k - back, stepInputs.length)]);
                    }
                    matched.put(step.getName(), events);
                }
                stepContexts[k] = new MatchedSoFar(matched, stepInputs[k].transaction.eventTime);
            }
            System.out.printf("%s: the candidates condition accepts %d of %d approved transactions; last step '%s'"
                            + " with %d transactions matched so far, on %s%n", rule, accepted.size(), candidates.length,
                    last.getName(), back - 1, stepInputs.length == accepted.size() ? "those candidates"
                            : "all approved transactions (too few candidates)");
        }

        @SuppressWarnings("unchecked")
        private static Pattern<PatternCandidate, ?> narrow(Pattern<PatternCandidate, ? extends PatternCandidate> p) {
            return (Pattern<PatternCandidate, ?>) p;
        }
    }

    /** What a partial match holds when the NFA asks a condition about the next transaction. */
    static final class MatchedSoFar implements IterativeCondition.Context<PatternCandidate> {
        private final Map<String, List<PatternCandidate>> matched;
        private final long timestamp;

        MatchedSoFar(Map<String, List<PatternCandidate>> matched, long timestamp) {
            this.matched = matched;
            this.timestamp = timestamp;
        }

        @Override
        public Iterable<PatternCandidate> getEventsForPattern(String name) {
            return matched.getOrDefault(name, List.of());
        }

        @Override
        public long timestamp() {
            return timestamp;
        }

        @Override
        public long currentProcessingTime() {
            return timestamp;
        }
    }

    /** The expression variables of the approved transactions' candidates, built. */
    @State(Scope.Thread)
    public static class Variables {
        List<Map<String, Object>> maps;
        int i;

        @Setup
        public void setUp() throws Exception {
            Workload w = Workload.get();
            TransactionContext.SeenLookup seen = w.seenLookup();
            maps = new ArrayList<>();
            for (int k = 0; k < w.approved.length; k++) {
                maps.add(io.posmon.rules.expressions.TransactionExpressions.variables(PatternCandidate.of(w.context(k, seen))));
            }
        }
    }

    /** MerchantRiskFunction's choice of pattern candidates for one approved transaction, all shipped pattern rules. */
    @Benchmark
    public void candidateSelection(AllRules s, Blackhole bh) throws Exception {
        TransactionContext c = s.w.context(s.next(), s.seen);
        PatternCandidate[] candidate = new PatternCandidate[1];
        Supplier<PatternCandidate> once = () -> candidate[0] == null ? (candidate[0] = PatternCandidate.of(c)) : candidate[0];
        for (CompiledPattern p : s.patterns) {
            if (p.accepts(c.tx, once)) {
                bh.consume(new RuleCandidate(p.routeKey(once.get()), 1, once.get()));
            }
        }
    }

    /** A TransactionContext, the PatternCandidate made from it and its expression variables. */
    @Benchmark
    public Object buildCandidate(AllRules s) {
        return PatternCandidate.of(s.w.context(s.next(), s.seen)).expressionVariables();
    }

    /** One rule's candidates condition on a ready candidate. */
    @Benchmark
    public boolean candidatesCondition(OneRule s) {
        int k = s.i;
        if (++s.i == s.transactions.length) {
            s.i = 0;
        }
        s.current = s.candidates[k];
        return s.pattern.accepts(s.transactions[k], s.supplier);
    }

    /** What CEL's {@code Program.eval(Map)} does with the variables before evaluating: an immutable copy. */
    @Benchmark
    public Activation celCopiesVariables(Variables s) {
        Map<String, Object> variables = s.maps.get(s.i);
        if (++s.i == s.maps.size()) {
            s.i = 0;
        }
        return Activation.copyOf(variables);
    }

    /** One rule's last step condition, with a partial match's transactions so far. */
    @Benchmark
    public boolean stepCondition(OneRule s) throws Exception {
        int k = s.j;
        if (++s.j == s.stepInputs.length) {
            s.j = 0;
        }
        return s.stepCondition.filter(s.stepInputs[k], s.stepContexts[k]);
    }
}
