package io.posmon.bench.jmh;

import io.posmon.carddata.PanGuard;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.MccGroupTable;
import io.posmon.operators.TransactionContext;
import io.posmon.operators.checks.KeyedCheck;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.TransactionChecks;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The merchant operator's keyed rules and the pure per-event computations around them, without a
 * state backend:
 * <ul>
 *   <li>{@code keyedChecks}: the shipped keyed checks ({@code DailyCreditLimitCheck},
 *       {@code VolumeJumpCheck}, {@code SuspendedMerchantCheck}, {@code PersonalSettlementCheck})
 *       on each approved, first-seen transaction, with its {@code TransactionContext}, their state in
 *       hash maps ({@link MapStateRuntime}) and the alerts they raise built in full. Going round the
 *       workload again would move event time back, so the state is emptied then (once per pass);</li>
 *   <li>{@code transactionContext}: what the operator derives once per transaction for all checks
 *       (business day and hour in the local zone, MCC group);</li>
 *   <li>{@code transactionProblem}: the content check at the source ({@link TransactionChecks},
 *       including the clear-PAN scan of seven fields);</li>
 *   <li>{@code containsClearPan}, {@code mccGroupOf}, {@code businessDay}: single parts of those.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.posmon.schema", "-Xms1g", "-Xmx1g"})
public class KeyedCheckBenchmark {

    /** The shipped keyed checks (all, or one by rule id) on map-backed state. */
    @State(Scope.Thread)
    public static class Checks {
        @Param({"all", "daily-credit-limit", "volume-jump", "suspended-merchant-activity",
                "personal-settlement-account"})
        public String check;

        Workload w;
        TransactionContext.SeenLookup seen;
        MapStateRuntime state;
        KeyedCheck[] checks;
        final BlackholeCollector<MerchantAlert> out = new BlackholeCollector<>();
        int i;

        @Setup
        public void setUp() throws Exception {
            w = Workload.get();
            seen = w.seenLookup();
            state = new MapStateRuntime();
            List<KeyedCheck> all = w.rules.keyedChecks();
            checks = all.stream().filter(c -> check.equals("all") || c.rule().id().equals(check))
                    .toArray(KeyedCheck[]::new);
            if (checks.length == 0) {
                throw new IllegalStateException("no keyed check " + check + " in " + all.stream().map(c -> c.rule().id()).toList());
            }
            for (KeyedCheck c : checks) {
                c.open(state.runtimeContext());
            }
            // One pass to report what the workload makes these checks do; then start afresh.
            for (int k = 0; k < w.approved.length; k++) {
                run(k);
            }
            System.out.printf("%s: %d checks, %d alerts in one pass over %d approved transactions, state of %d merchants%n",
                    check, checks.length, out.collected, w.approved.length, state.keys());
            state.clear();
            out.collected = 0;
        }

        void run(int k) throws Exception {
            TransactionContext c = w.context(k, seen);
            state.setCurrentKey(c.merchantId);
            for (KeyedCheck check : checks) {
                check.onTransaction(c, out);
            }
        }
    }

    /** Inputs of the pure computations. */
    @State(Scope.Thread)
    public static class Fields {
        Workload w;
        TransactionContext.SeenLookup seen;
        PosTransaction[] transactions;
        long maxAmountMinor;
        String[] maskedPans;
        String[] mccs;
        long[] eventTimes;
        MccGroupTable groups;
        BusinessCalendar calendar;
        int i;
        int a;

        @Setup
        public void setUp() throws Exception {
            w = Workload.get();
            seen = w.seenLookup();
            transactions = w.transactions;
            maxAmountMinor = w.engine.maxAmountMinor();
            groups = w.groups;
            calendar = w.calendar;
            maskedPans = new String[transactions.length];
            mccs = new String[transactions.length];
            eventTimes = new long[transactions.length];
            for (int k = 0; k < transactions.length; k++) {
                maskedPans[k] = transactions[k].getMaskedPan();
                MerchantProfile p = w.profiles.get(transactions[k].getMerchantId());
                mccs[k] = p == null ? null : p.getMcc();
                eventTimes[k] = transactions[k].getEventTime().toEpochMilli();
            }
        }

        /** The next of all transactions. */
        int next() {
            int k = i;
            i = (i + 1) & (transactions.length - 1);
            return k;
        }

        /** The next approved transaction. */
        int nextApproved() {
            int k = a;
            if (++a == w.approved.length) {
                a = 0;
            }
            return k;
        }
    }

    /** The keyed checks on one approved transaction, with its TransactionContext, state in hash maps. */
    @Benchmark
    public void keyedChecks(Checks s, Blackhole bh) throws Exception {
        s.out.bh = bh;
        s.run(s.i);
        if (++s.i == s.w.approved.length) {
            s.i = 0;
            s.state.clear();
        }
    }

    /** What the merchant operator derives once per approved transaction for all its checks. */
    @Benchmark
    public TransactionContext transactionContext(Fields s) {
        return s.w.context(s.nextApproved(), s.seen);
    }

    /** The source's content check of a decoded transaction (null: fine). */
    @Benchmark
    public String transactionProblem(Fields s) {
        return TransactionChecks.transactionProblem(s.transactions[s.next()], s.maxAmountMinor);
    }

    /** The clear-PAN scan of one field, the masked PAN (the one with the longest digit runs). */
    @Benchmark
    public boolean containsClearPan(Fields s) {
        return PanGuard.containsClearPan(s.maskedPans[s.next()]);
    }

    /** MCC to group. */
    @Benchmark
    public String mccGroupOf(Fields s) {
        return s.groups.groupOf(s.mccs[s.next()]);
    }

    /** Epoch millis to the local business day. */
    @Benchmark
    public int businessDay(Fields s) {
        return s.calendar.businessDay(s.eventTimes[s.next()]);
    }
}
