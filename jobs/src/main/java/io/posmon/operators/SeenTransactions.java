package io.posmon.operators;

import io.posmon.operators.state.Fingerprints;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * What the merchant operator remembers of the current merchant's transactions within the dedupe
 * horizon, to drop a retransmission (same transaction id) and to undo a sale when its void or
 * reversal arrives: one {@link SeenIds} per dedupe step (the map's key is the step's number since the
 * epoch), ids kept as 64-bit fingerprints. A step is forgotten whole when the horizon has passed it,
 * and only the steps that changed are written at a checkpoint.
 *
 * <p>Versions before 2026-12-04 kept each id whole, one entry of the map state {@code seen}. A
 * savepoint of theirs still holds those: the first time a merchant is met with no steps, its old
 * entries move into steps, so a retransmission of a transaction counted before the upgrade is still
 * dropped, and the old state empties as merchants are met or their cleanup timers fire.
 */
final class SeenTransactions implements TransactionContext.SeenLookup {

    private final MapState<Long, SeenIds> steps;
    private final MapState<String, SeenTransaction> before;
    private final long stepMillis;
    private final long horizonMillis;

    /**
     * @param steps  the transactions of each dedupe step
     * @param before the ids of earlier versions, whole (see the class comment)
     */
    SeenTransactions(MapState<Long, SeenIds> steps, MapState<String, SeenTransaction> before, long stepMillis,
                     long horizonMillis) {
        this.steps = steps;
        this.before = before;
        this.stepMillis = stepMillis;
        this.horizonMillis = horizonMillis;
    }

    /** Whether a transaction with this fingerprint was counted within the horizon. */
    boolean contains(long print) throws Exception {
        adoptEarlierVersion();
        return counted(print);
    }

    private boolean counted(long print) throws Exception {
        for (SeenIds s : steps.values()) {
            if (s.find(print) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Remembers a transaction not counted before (callers ask {@link #contains} first). */
    void add(long print, SeenTransaction seen) throws Exception {
        long step = Math.floorDiv(seen.eventTime, stepMillis);
        SeenIds s = steps.get(step);
        if (s == null) {
            s = new SeenIds();
        }
        s.add(print, seen);
        steps.put(step, s);
    }

    @Override
    public SeenTransaction get(String transactionId) throws Exception {
        adoptEarlierVersion();
        long print = Fingerprints.of(transactionId);
        for (SeenIds s : steps.values()) {
            int at = s.find(print);
            if (at >= 0) {
                return s.get(at);
            }
        }
        return null;
    }

    /** Changes what is remembered of a counted transaction (an undo), or remembers a new one. */
    @Override
    public void put(String transactionId, SeenTransaction seen) throws Exception {
        adoptEarlierVersion();
        long print = Fingerprints.of(transactionId);
        for (Map.Entry<Long, SeenIds> e : steps.entries()) {
            int at = e.getValue().find(print);
            if (at >= 0) {
                e.getValue().set(at, seen);
                steps.put(e.getKey(), e.getValue());
                return;
            }
        }
        add(print, seen);
    }

    /** Forgets the transactions whose event time the horizon has passed at {@code time}. */
    void forgetExpired(long time) throws Exception {
        adoptEarlierVersion();
        long forgetUpTo = time - horizonMillis; // an event time at or before this is forgotten
        List<Long> gone = new ArrayList<>();
        List<Map.Entry<Long, SeenIds>> thinned = new ArrayList<>();
        for (Map.Entry<Long, SeenIds> e : steps.entries()) {
            // By what the step holds, not by its number: a step's length follows the horizon, which
            // may differ in the version that wrote it.
            if (e.getValue().latestEventTime() <= forgetUpTo) {
                gone.add(e.getKey());
            } else if (e.getValue().earliestEventTime() <= forgetUpTo) {
                thinned.add(Map.entry(e.getKey(), e.getValue().after(forgetUpTo)));
            }
        }
        for (Long step : gone) {
            steps.remove(step);
        }
        for (Map.Entry<Long, SeenIds> e : thinned) {
            steps.put(e.getKey(), e.getValue());
        }
    }

    /** Moves the ids an earlier version kept whole into steps (see the class comment). */
    private void adoptEarlierVersion() throws Exception {
        if (!steps.isEmpty() || before.isEmpty()) {
            return;
        }
        Iterator<Map.Entry<String, SeenTransaction>> it = before.iterator();
        while (it.hasNext()) {
            Map.Entry<String, SeenTransaction> e = it.next();
            long print = Fingerprints.of(e.getKey());
            if (!counted(print)) {
                add(print, e.getValue());
            }
        }
        before.clear();
    }
}
