package io.posmon.operators.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The distinct counterparties of a period, counted on fingerprints: exact on ids, across a trip to state. */
class CounterpartyPrintsTest {

    private static final TypeSerializer<PeriodFigures> STORED =
            TypeInformation.of(PeriodFigures.class).createSerializer(new SerializerConfigImpl());

    private static PeriodFigures fresh() {
        PeriodFigures f = new PeriodFigures();
        f.counterpartyPrints = CounterpartyPrints.NONE;
        return f;
    }

    private static boolean add(PeriodFigures f, String id) {
        return CounterpartyPrints.add(f, CounterpartyPrints.of(id));
    }

    @Test
    void eachIdCountsOnceBelowAndAboveTheSizeWhereTheIndexTakesOver() {
        Random random = new Random(7);
        for (int pool : new int[] {1, 15, 16, 17, 40, 3_000}) {
            PeriodFigures f = fresh();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < pool * 5; i++) {
                String id = "tok_" + random.nextInt(pool);
                assertThat(add(f, id)).as("first time of %s", id).isEqualTo(seen.add(id));
                assertThat(f.distinctCounterparties).isEqualTo(seen.size());
            }
        }
    }

    @Test
    void figuresReadBackFromStateGoOnCountingFromTheirPrints() throws Exception {
        PeriodFigures f = fresh();
        for (int i = 0; i < 1_000; i++) {
            add(f, "tok_" + i);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        STORED.serialize(f, out);
        // Eight bytes a counterparty, the room to grow (an eighth) and the other figures.
        assertThat(out.length()).isLessThan(1_000 * 8 * 9 / 8 + 200);
        PeriodFigures back = STORED.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.printIndex).isNull();
        assertThat(back.distinctCounterparties).isEqualTo(1_000);
        assertThat(add(back, "tok_17")).isFalse();
        assertThat(add(back, "tok_999")).isFalse();
        assertThat(add(back, "tok_1000")).isTrue();
        assertThat(back.distinctCounterparties).isEqualTo(1_001);
        PeriodFigures copy = STORED.copy(back);
        assertThat(add(copy, "tok_1000")).isFalse();
        assertThat(add(copy, "tok_1001")).isTrue();
        assertThat(back.distinctCounterparties).as("the copy is its own").isEqualTo(1_001);
    }

    @Test
    void figuresStoredBeforeTheFingerprintsAreReadWithoutThem() throws Exception {
        PeriodFigures legacy = new PeriodFigures();
        legacy.distinctCounterparties = 3;
        DataOutputSerializer out = new DataOutputSerializer(64);
        STORED.serialize(legacy, out);
        PeriodFigures back = STORED.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.counterpartyPrints).as("ids in the map state").isNull();
    }

    @Test
    void aClosedPeriodKeepsItsCountAndCountsNothingMore() {
        PeriodFigures f = fresh();
        add(f, "tok_A");
        f.closed = true;
        f.counterpartyPrints = CounterpartyPrints.NONE;
        assertThat(add(f, "tok_B")).isFalse();
        assertThat(f.distinctCounterparties).isEqualTo(1);
    }

    @Test
    void fingerprintsAreNeverTheFreeSlotMarker() {
        for (int i = 0; i < 100_000; i++) {
            assertThat(CounterpartyPrints.of("tok_" + i)).isNotZero();
        }
    }
}
