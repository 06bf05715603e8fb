package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.checks.VolumeHistory;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.operators.state.OwnSerializers;
import io.posmon.schema.MerchantScale;
import io.posmon.testing.Merchants;
import io.posmon.testing.PojoStateRestore;
import io.posmon.testing.Tx;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A savepoint taken before the state classes had their own serializers holds their values in
 * Flink's POJO format; restored by this version, each value is read with the POJO serializer and
 * written with the new one (a value state, a map state and the pattern operator's queue of
 * candidates, on both backends).
 */
class StateFromPojoSerializerTest {

    private static <T> TypeInformation<T> pojo(Class<T> type) {
        return OwnSerializers.pojoTypeOf(type);
    }

    /** Keeps a volume history and a seen transaction per key, with the types it is given; "show" prints them. */
    static final class Keeper extends KeyedProcessFunction<String, String, String> {
        private final boolean asPojo;
        private transient ValueState<VolumeHistory> history;
        private transient MapState<String, SeenTransaction> seen;
        private transient MapState<Long, List<RuleCandidate>> queue;

        Keeper(boolean asPojo) {
            this.asPojo = asPojo;
        }

        @Override
        public void open(OpenContext openContext) {
            history = getRuntimeContext().getState(asPojo
                    ? new ValueStateDescriptor<>("volume-jump/history", pojo(VolumeHistory.class))
                    : new ValueStateDescriptor<>("volume-jump/history", VolumeHistory.class));
            seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.STRING,
                    asPojo ? pojo(SeenTransaction.class) : TypeInformation.of(SeenTransaction.class)));
            // As the pattern operator's queue of candidates waiting for the watermark.
            queue = getRuntimeContext().getMapState(new MapStateDescriptor<>("candidates-by-time", Types.LONG,
                    Types.LIST(asPojo ? pojo(RuleCandidate.class) : TypeInformation.of(RuleCandidate.class))));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            if (command.endsWith(":keep")) {
                VolumeHistory h = new VolumeHistory();
                h.days = new int[] {20_415, Integer.MIN_VALUE, 20_414};
                h.amount = new long[] {1_888_00, 0, -5};
                h.count = new int[] {3, 0, 1};
                h.hourAmount = new long[3 * 24];
                h.hourCount = new int[3 * 24];
                h.hourAmount[10] = 1_888_00;
                h.hourCount[10] = 3;
                h.hourAmount[2 * 24 + 23] = -5;
                h.hourCount[2 * 24 + 23] = 1;
                history.update(h);
                SeenTransaction t = new SeenTransaction();
                t.eventTime = 1_795_000_000_000L;
                t.amountMinor = 1_888_00;
                t.businessDay = 20_415;
                t.creditSale = true;
                seen.put("T1", t);
                PatternCandidate c = PatternCandidate.of(Tx.credit("T1", "M1", "2026-11-23T10:00:00", 800_000),
                        AlertFactory.snapshot("M1", Merchants.profile("M1", "5944", MerchantScale.MEDIUM).build()));
                c.customerId = "C1";
                c.hourOfDay = 10;
                queue.put(t.eventTime, List.of(new RuleCandidate("many-cards@v1|M1|C1", 7, c)));
            } else {
                VolumeHistory h = history.value();
                SeenTransaction t = seen.get("T1");
                RuleCandidate c = queue.get(1_795_000_000_000L).get(0);
                out.collect(Arrays.toString(h.days) + Arrays.toString(h.amount) + Arrays.toString(h.count)
                        + " hours " + h.hourAmount[10] + "/" + h.hourCount[10] + "," + h.hourAmount[71] + "/" + h.hourCount[71]
                        + " seen " + t.eventTime + "," + t.amountMinor + "," + t.businessDay + "," + t.creditSale + "," + t.undone
                        + " queued " + c.routeKey + "," + c.rulesSequence + "," + c.candidate.customerId + ","
                        + c.candidate.hourOfDay + "," + c.candidate.transaction.transactionId + ","
                        + c.candidate.transaction.amountMinor + "," + c.candidate.scale);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void valuesWrittenByThePojoSerializerAreReadAfterTheRestore(String backend) throws Exception {
        List<List<String>> shown = PojoStateRestore.keptAsPojoThenShownTwice(Keeper::new, backend);
        assertThat(shown.get(0)).containsExactly("[20415, -2147483648, 20414][188800, 0, -5][3, 0, 1]"
                + " hours 188800/3,-5/1 seen 1795000000000,188800,20415,true,false"
                + " queued many-cards@v1|M1|C1,7,C1,10,T1,800000,MEDIUM");
        assertThat(shown.get(1)).hasSize(1).first().asString().startsWith("[20415, -2147483648, 20414]");
    }
}
