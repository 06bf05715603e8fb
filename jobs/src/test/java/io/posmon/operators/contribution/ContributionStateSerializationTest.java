package io.posmon.operators.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.state.OwnSerializers;
import io.posmon.schema.Tier;
import io.posmon.testing.PojoStateRestore;
import io.posmon.testing.SerializerRoundTrip;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contribution state's own serializers give back every field, and state written by Flink's POJO
 * serializer (a savepoint of an earlier version) is read after a restore, on both backends.
 */
class ContributionStateSerializationTest {

    private static PeriodFigures figures() {
        PeriodFigures f = new PeriodFigures();
        f.eligibleMinor = -1_298_430;
        f.excludedMinor = 10_000_000_000_00L;
        f.count = 7;
        f.instalmentMinor = 4_376_130;
        f.feeBasis = Long.MIN_VALUE + 1;
        f.byMccGroup = new HashMap<>(Map.of("RETAIL", -1_581_205L, "DINING", 14_858_809L));
        f.distinctCounterparties = 3;
        f.counterpartyPrints = new long[] {-1L, 0x7F3A_0000_0000_0001L, 42L};
        f.lastEventTime = 1_795_000_000_000L;
        f.revision = 12;
        f.dirty = true;
        f.closed = false;
        return f;
    }

    private static SubjectState subject() {
        SubjectState s = new SubjectState();
        s.region = "CN-SH";
        s.tier = Tier.STAR_6;
        s.monthsBelow = 2;
        s.lastEvaluatedMonth = 2026 * 12 + 1;
        s.lastSalesCleanupDay = 20_500;
        s.oldestSaleTime = 1_790_000_000_000L;
        s.products = List.of("GOLD_CREDIT_CARD", "PLATINUM_CREDIT_CARD");
        return s;
    }

    private static <T> T roundTrip(T value, Class<T> type) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        assertThat(serializer).isNotInstanceOf(org.apache.flink.api.java.typeutils.runtime.PojoSerializer.class);
        assertThat(serializer.copy(value)).usingRecursiveComparison().ignoringFields("printIndex").isEqualTo(value);
        return SerializerRoundTrip.roundTrip(serializer, value);
    }

    @Test
    void everyFieldOfAPeriodComesBack() throws Exception {
        PeriodFigures f = figures();
        assertThat(roundTrip(f, PeriodFigures.class)).usingRecursiveComparison().ignoringFields("printIndex").isEqualTo(f);
    }

    @Test
    void aPeriodWithoutFingerprintsOrGroupsComesBackWithout() throws Exception {
        PeriodFigures f = new PeriodFigures();
        f.closed = true;
        PeriodFigures read = roundTrip(f, PeriodFigures.class);
        assertThat(read.counterpartyPrints).isNull();
        assertThat(read.byMccGroup).isEmpty();
        assertThat(read.closed).isTrue();
        assertThat(read.dirty).isFalse();
    }

    @Test
    void everyFieldOfASubjectComesBack() throws Exception {
        SubjectState s = subject();
        assertThat(roundTrip(s, SubjectState.class)).usingRecursiveComparison().isEqualTo(s);
        SubjectState unknown = new SubjectState();
        assertThat(unknown.region).isNull();
        assertThat(unknown.oldestSaleTime).isNull();
        assertThat(roundTrip(unknown, SubjectState.class)).usingRecursiveComparison().isEqualTo(unknown);
    }

    /** Keeps a subject and a map of days per key, as the contribution operator stores them; "show" prints them. */
    static final class Keeper extends KeyedProcessFunction<String, String, String> {
        private final boolean asPojo;
        private transient ValueState<SubjectState> subject;
        private transient ValueState<Map<Integer, PeriodFigures>> days;

        Keeper(boolean asPojo) {
            this.asPojo = asPojo;
        }

        @Override
        public void open(OpenContext openContext) {
            TypeInformation<SubjectState> subjectType = asPojo ? OwnSerializers.pojoTypeOf(SubjectState.class)
                    : TypeInformation.of(SubjectState.class);
            TypeInformation<PeriodFigures> figuresType = asPojo ? OwnSerializers.pojoTypeOf(PeriodFigures.class)
                    : TypeInformation.of(PeriodFigures.class);
            subject = getRuntimeContext().getState(new ValueStateDescriptor<>("subject", subjectType));
            days = getRuntimeContext().getState(new ValueStateDescriptor<>("days.by-key", Types.MAP(Types.INT, figuresType)));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            if (command.endsWith(":keep")) {
                subject.update(subject());
                days.update(new HashMap<>(Map.of(20_500, figures())));
            } else {
                SubjectState s = subject.value();
                PeriodFigures f = days.value().get(20_500);
                out.collect(s.region + "," + s.tier + "," + s.monthsBelow + "," + s.lastEvaluatedMonth + ","
                        + s.lastSalesCleanupDay + "," + s.oldestSaleTime + "," + s.products
                        + " | " + f.eligibleMinor + "," + f.excludedMinor + "," + f.count + "," + f.instalmentMinor + ","
                        + f.feeBasis + "," + new java.util.TreeMap<>(f.byMccGroup) + "," + f.distinctCounterparties + ","
                        + java.util.Arrays.toString(f.counterpartyPrints) + "," + f.lastEventTime + "," + f.revision + ","
                        + f.dirty + "," + f.closed);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void stateWrittenByThePojoSerializerIsReadAfterTheRestore(String backend) throws Exception {
        String expected = "CN-SH,STAR_6,2,24313,20500,1790000000000,[GOLD_CREDIT_CARD, PLATINUM_CREDIT_CARD]"
                + " | -1298430,1000000000000,7,4376130,-9223372036854775807,{DINING=14858809, RETAIL=-1581205},3,"
                + "[-1, 9167639991466065921, 42],1795000000000,12,true,false";
        assertThat(PojoStateRestore.keptAsPojoThenShownTwice(Keeper::new, backend))
                .containsExactly(List.of(expected), List.of(expected));
    }
}
