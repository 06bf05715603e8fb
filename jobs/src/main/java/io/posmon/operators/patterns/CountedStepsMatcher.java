package io.posmon.operators.patterns;

import io.posmon.rules.expressions.TransactionExpressions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link CountedSteps} pattern on a key's {@link CountedMatches}, with flink-cep's semantics
 * for that shape (NFA with relaxed contiguity and "skip past last event"), so that a rule gives the
 * same alerts on either runtime ({@code CountedStepsMatcherTest} compares them on random input):
 *
 * <ul>
 *   <li>Each match in progress offers the transaction to the step it is at: taken if the step's
 *       condition holds (seeing what the match has taken so far), passed over if not.</li>
 *   <li>A transaction the first step's condition accepts also starts a new match.</li>
 *   <li>A match that started a window ago or more is dropped when time reaches that point.</li>
 *   <li>A complete match is reported once no match in progress started before it; reporting it
 *       drops every other match, complete or not, that started at or before its last transaction.</li>
 * </ul>
 *
 * Stateless and shared by every key of a rule version, as flink-cep's NFA is. The caller feeds each
 * key's transactions in event-time order and advances time before each new event time.
 */
public final class CountedStepsMatcher {

    private static final TransactionExpressions.StepEvents NOTHING_TAKEN = step -> List.of();

    private final List<CountedSteps.Step> steps;
    private final long withinMillis;
    /** The tx fields a taken transaction keeps: those the steps' conditions read from matched ones. */
    private final int takenFields;

    public CountedStepsMatcher(CountedSteps pattern) {
        this.steps = pattern.steps();
        this.withinMillis = pattern.withinMillis();
        this.takenFields = TakenLayout.txFieldsReadBy(steps);
    }

    public long withinMillis() {
        return withinMillis;
    }

    /** What one call changed: whether the state must be written, and whether a new match started (its window needs a timer). */
    public record Outcome(boolean changed, boolean started) {
        static final Outcome NONE = new Outcome(false, false);
    }

    /**
     * No transaction earlier than {@code time} will come: drop the matches in progress whose window
     * has passed, and report the complete matches that were waiting only for them.
     */
    public boolean advanceTime(CountedMatches m, long time, Consumer<Map<String, List<PatternCandidate>>> out) {
        boolean changed = false;
        if (withinMillis > 0) {
            changed = m.partial.removeIf(p -> time - p.startTime >= withinMillis);
        }
        return report(m, out) | changed;
    }

    /** One candidate at its event time: offered to every match in progress, and perhaps the start of one. */
    public Outcome process(CountedMatches m, PatternCandidate candidate, long time,
                           Consumer<Map<String, List<PatternCandidate>>> out) throws Exception {
        long seq = -1; // the candidate's place among taken transactions, given when first taken
        List<CountedMatches.Partial> done = null;
        for (Iterator<CountedMatches.Partial> it = m.partial.iterator(); it.hasNext(); ) {
            CountedMatches.Partial p = it.next();
            if (!steps.get(p.step).when().test(candidate, step -> takenBy(p, step))) {
                continue;
            }
            if (seq < 0) {
                seq = m.nextSeq++;
            }
            take(p, candidate, time, seq);
            if (p.step == steps.size()) {
                it.remove();
                done = add(done, p);
            }
        }
        boolean started = steps.get(0).when().test(candidate, NOTHING_TAKEN);
        if (started) {
            if (seq < 0) {
                seq = m.nextSeq++;
            }
            CountedMatches.Partial p = new CountedMatches.Partial(steps.size(), time, seq);
            take(p, candidate, time, seq);
            if (p.step == steps.size()) {
                done = add(done, p);
            } else {
                m.partial.add(p); // it started last of all
            }
        }
        if (seq < 0) {
            return Outcome.NONE;
        }
        if (done != null) {
            for (CountedMatches.Partial p : done) {
                insertByStart(m.completed, p);
            }
            report(m, out);
        }
        return new Outcome(true, started);
    }

    private void take(CountedMatches.Partial p, PatternCandidate candidate, long time, long seq) {
        // The match's first transaction also keeps the merchant, which its alert names (MatchAlert).
        boolean first = p.step == 0 && p.taken[0].isEmpty();
        p.taken[p.step].take(candidate, first ? takenFields | TakenLayout.MERCHANT : takenFields);
        p.lastTime = time;
        p.lastSeq = seq;
        if (p.taken[p.step].size() == steps.get(p.step).times()) {
            p.step++;
        }
    }

    private List<PatternCandidate> takenBy(CountedMatches.Partial p, String step) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(step)) {
                return p.taken[i];
            }
        }
        return List.of();
    }

    /** Reports the complete matches no match in progress started before, earliest first, pruning after each. */
    private boolean report(CountedMatches m, Consumer<Map<String, List<PatternCandidate>>> out) {
        boolean reported = false;
        while (!m.completed.isEmpty()) {
            CountedMatches.Partial match = m.completed.get(0);
            if (!m.partial.isEmpty() && !match.startsNoLaterThan(m.partial.get(0))) {
                break;
            }
            m.completed.remove(0);
            m.partial.removeIf(p -> p.startsAtOrBefore(match.lastTime, match.lastSeq));
            m.completed.removeIf(p -> p.startsAtOrBefore(match.lastTime, match.lastSeq));
            out.accept(asMatch(match));
            reported = true;
        }
        return reported;
    }

    private Map<String, List<PatternCandidate>> asMatch(CountedMatches.Partial p) {
        Map<String, List<PatternCandidate>> match = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            match.put(steps.get(i).name(), p.taken[i]);
        }
        return match;
    }

    private static void insertByStart(List<CountedMatches.Partial> list, CountedMatches.Partial p) {
        int i = list.size();
        while (i > 0 && !list.get(i - 1).startsNoLaterThan(p)) {
            i--;
        }
        list.add(i, p);
    }

    private static List<CountedMatches.Partial> add(List<CountedMatches.Partial> list, CountedMatches.Partial p) {
        List<CountedMatches.Partial> l = list == null ? new ArrayList<>(1) : list;
        l.add(p);
        return l;
    }
}
