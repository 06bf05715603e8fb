package io.posmon.operators;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.snapshot.RuleSnapshots;
import io.posmon.schema.RuleSetSnapshot;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The rules in force in one operator instance. A job starts with the rules it was submitted with
 * (sequence 0); each valid rule set published on the rules topic then replaces them (sequence 1,
 * 2, ...). Every operator that runs rules receives the same snapshots in the same order on a
 * broadcast input and decides on each the same way, so they agree on the sequence numbers.
 *
 * <p>The broadcast state holds one entry: the sequence number of the rule set in force and its
 * files. It is checkpointed, so a restored job resumes under the rules it last put in force; the
 * compiled form is rebuilt from the files when first needed.
 */
public final class LiveRules implements Serializable {

    /** Broadcast state: sequence number of the rule set in force, to its files (at most one entry). */
    public static final MapStateDescriptor<Long, RuleSetSnapshot> IN_FORCE =
            new MapStateDescriptor<>("rule-set-in-force", Types.LONG, new AvroTypeInfo<>(RuleSetSnapshot.class));

    private final CompiledRules initial;

    /** The last rule set this instance compiled: asked for on every event, built once per set. */
    private transient InForce cached;
    private transient InForce initialInForce;

    public LiveRules(CompiledRules initial) {
        this.initial = initial;
    }

    public CompiledRules initial() {
        return initial;
    }

    /** The rules in force and their sequence number, as the broadcast state says. */
    public record InForce(long sequence, String version, CompiledRules rules) {
    }

    public InForce current(ReadOnlyBroadcastState<Long, RuleSetSnapshot> state) throws Exception {
        for (Map.Entry<Long, RuleSetSnapshot> e : state.immutableEntries()) {
            return compiled(e.getKey(), e.getValue());
        }
        if (initialInForce == null) {
            initialInForce = new InForce(0, "", initial);
        }
        return initialInForce;
    }

    private InForce compiled(long sequence, RuleSetSnapshot snapshot) {
        if (cached == null || sequence != cached.sequence()) {
            RuleSnapshots.Compiled c = RuleSnapshots.compile(snapshot);
            if (!c.valid()) {
                // Only valid snapshots are stored; the same files cannot fail now.
                throw new IllegalStateException("rule set " + snapshot.getVersion() + " in state no longer compiles: " + c.problems());
            }
            cached = new InForce(sequence, snapshot.getVersion(), c.rules());
        }
        return cached;
    }

    /** What an operator does with a published snapshot. */
    public record Decision(boolean accepted, InForce previous, InForce next, List<String> problems) {
        /** A republished copy of the rules already in force: nothing changes. */
        public boolean unchanged() {
            return accepted && previous.sequence() == next.sequence();
        }
    }

    /**
     * Validates a published snapshot against the rules in force. Settings that shape the job graph
     * or its event time (the engine section) cannot change without a restart: such a snapshot is
     * refused as a whole. Contribution and tier policies in it are not applied (they take effect on
     * the next start).
     */
    public Decision offer(ReadOnlyBroadcastState<Long, RuleSetSnapshot> state, RuleSetSnapshot snapshot) throws Exception {
        InForce previous = current(state);
        if (snapshot.getVersion().equals(previous.version())) {
            return new Decision(true, previous, previous, List.of());
        }
        RuleSnapshots.Compiled c = RuleSnapshots.compile(snapshot);
        List<String> problems = new ArrayList<>(c.problems());
        if (c.valid() && !c.rules().engine().equals(initial.engine())) {
            problems.add("engine: the engine section (time zone, lateness, watermarks, dedupe) cannot change in a "
                    + "running job; restart it from a savepoint with the new files");
        }
        if (!problems.isEmpty()) {
            return new Decision(false, previous, previous, problems);
        }
        cached = new InForce(previous.sequence() + 1, snapshot.getVersion(), c.rules());
        return new Decision(true, previous, cached, List.of());
    }
}
