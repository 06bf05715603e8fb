package io.posmon.operators;

import static io.posmon.testing.Tx.credit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint of a version that kept each transaction id whole (map state {@code seen}) restored by
 * this one: a retransmission of a transaction counted before the upgrade is still dropped, the id is
 * forgotten when it was due to be, and the old state is empty once the merchant has been met. Seen
 * through the suspended-merchant rule, which alerts on every transaction it processes.
 */
class SeenTransactionsUpgradeTest {

    private static final String SUSPENDED_RULE = "suspended-merchant-activity";
    /** 04:00:01 UTC: two days later its 6-hour dedupe step ends at 06:00 UTC, 14:00 local. */
    private static final String COUNTED_BEFORE = "2026-11-23T12:00:01";

    /** The merchant operator's dedupe state as versions before 2026-12-04 wrote it: ids whole, and the cleanup timer. */
    static final class EarlierVersion extends KeyedProcessFunction<String, String, String> {
        private transient MapState<String, SeenTransaction> seen;
        private transient ValueState<Long> cleanupTimer;

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.STRING,
                    TypeInformation.of(SeenTransaction.class)));
            cleanupTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("dedupe-cleanup-timer", Long.class));
        }

        @Override
        public void processElement(String id, Context ctx, Collector<String> out) throws Exception {
            if (id.equals("show")) {
                out.collect(String.join(",", seen.keys()));
                return;
            }
            SeenTransaction t = new SeenTransaction();
            t.eventTime = Tx.local(COUNTED_BEFORE).toEpochMilli();
            t.amountMinor = 12_345;
            t.businessDay = 20_415;
            t.creditSale = true;
            seen.put(id, t);
            long step = 6 * 3_600_000L;
            long cleanupAt = Math.floorDiv(t.eventTime + 2 * 86_400_000L + step - 1, step) * step;
            ctx.timerService().registerEventTimeTimer(cleanupAt);
            cleanupTimer.update(cleanupAt);
        }
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> earlierVersion(
            StateBackend backend, OperatorSubtaskState restored) throws Exception {
        // Every record is merchant S's: the key of all the state written here.
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EarlierVersion()), id -> "S",
                Types.STRING, 1, 1, 0);
        h.setStateBackend(backend);
        h.setup();
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    private static List<String> suspendedEvidence(RiskHarness h) {
        return h.alerts(SUSPENDED_RULE).stream().flatMap(a -> Alerts.evidenceIds(a).stream()).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void aTransactionCountedBeforeTheUpgradeIsStillARetransmissionUntilItsHorizonPasses(String backendName) throws Exception {
        OperatorSubtaskState savepoint;
        try (var before = earlierVersion(backend(backendName), null)) {
            before.processElement("s1", 0);
            before.processElement("s0", 0);
            savepoint = before.snapshot(1, 1);
        }
        try (var h = new RiskHarness(backend(backendName), savepoint)) {
            h.profile(Merchants.profile("S", "5311", MerchantScale.SMALL).setStatus(MerchantStatus.SUSPENDED).build());
            h.tx(credit("s1", "S", "2026-11-24T09:00:00", 12_345), credit("s2", "S", "2026-11-24T09:00:01", 100));
            assertThat(suspendedEvidence(h)).as("s1 was counted before the upgrade").containsExactly("s2");

            h.watermark("2026-11-25T13:59:59");
            h.tx(credit("s0", "S", "2026-11-25T14:00:00", 12_345));
            assertThat(suspendedEvidence(h)).as("within two days and the cleanup step").containsExactly("s2");
            savepoint = h.snapshot(2);
        }
        try (var h = new RiskHarness(backend(backendName), savepoint)) {
            h.profile(Merchants.profile("S", "5311", MerchantScale.SMALL).setStatus(MerchantStatus.SUSPENDED).build());
            h.tx(credit("s1", "S", "2026-11-25T13:59:59", 12_345), credit("s2", "S", "2026-11-25T13:59:59", 100));
            assertThat(suspendedEvidence(h)).as("both kept across the next restore").isEmpty();
            // The timer the earlier version registered fires: its id goes when it was due to.
            h.watermark("2026-11-25T14:00:00");
            h.tx(credit("s1", "S", "2026-11-25T14:00:01", 12_345), credit("s2", "S", "2026-11-25T14:00:01", 100));
            assertThat(suspendedEvidence(h)).as("s1 forgotten at the end of its step, s2 not").containsExactly("s1");
            savepoint = h.snapshot(3);
        }
        try (var after = earlierVersion(backend(backendName), savepoint)) {
            after.processElement("show", 0);
            assertThat(after.extractOutputValues()).as("the earlier version's ids, after the merchant was met").containsExactly("");
        }
    }
}
