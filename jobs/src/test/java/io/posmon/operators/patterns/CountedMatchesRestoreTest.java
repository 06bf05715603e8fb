package io.posmon.operators.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.testing.PojoStateRestore;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint whose matches in progress were written in layout 1 (every field of every taken
 * transaction, before 2026-12-08) restores on both backends: each value is read with the layout 1
 * reader and written in layout 2, and a checkpoint taken after reads back the same.
 */
class CountedMatchesRestoreTest {

    /** Writes layout 1, as the version before did, under that version's snapshot (the same serializer class, layout 1). */
    static final class Layout1Writer extends CountedMatches.Layout1Reader {
        private static final long serialVersionUID = 1L;

        @Override
        void writeTaken(TakenCandidates step, int j, DataOutputView out) throws IOException {
            CandidateSerialization.writeCandidate(step.get(j), out);
        }

        @Override
        public TypeSerializerSnapshot<CountedMatches> snapshotConfiguration() {
            try {
                return CountedMatchesLayoutTest.snapshotOfLayout(1);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Keeps a match in progress per key ("k1:keep"), in layout 1 or the current one, and shows it ("k1:show"). */
    static final class Keeper extends KeyedProcessFunction<String, String, String> {
        private final boolean layout1;
        private transient ValueState<CountedMatches> matches;

        Keeper(boolean layout1) {
            this.layout1 = layout1;
        }

        @Override
        public void open(OpenContext openContext) {
            matches = getRuntimeContext().getState(layout1
                    ? new ValueStateDescriptor<>("counted-matches", new Layout1Writer())
                    : new ValueStateDescriptor<>("counted-matches", TypeInformation.of(CountedMatches.class)));
        }

        @Override
        public void processElement(String command, Context ctx, Collector<String> out) throws Exception {
            if (command.endsWith(":keep")) {
                CountedMatches m = matches.value();
                if (m == null) {
                    m = new CountedMatches();
                    CountedMatches.Partial p = new CountedMatches.Partial(2, 1_000L, 0);
                    p.taken[0].take(CountedMatchesLayoutTest.candidate(), TakenLayout.ALL_TX_FIELDS | TakenLayout.MERCHANT);
                    m.partial.add(p);
                    m.nextSeq = 1;
                }
                matches.update(m);
            } else {
                CountedMatches m = matches.value();
                PatternCandidate c = m.partial.get(0).taken[0].get(0);
                out.collect(m.nextSeq + " " + m.partial.get(0).startTime + " " + c.merchantId + " " + c.merchantName + " "
                        + c.cardToken + " " + c.terminalId + " " + c.installments + " " + c.transaction.transactionId + " "
                        + c.transaction.amountMinor + " " + c.mccGroup);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void layout1RestoresAndIsWrittenAgainInLayout2(String backend) throws Exception {
        List<List<String>> shown = PojoStateRestore.keptAsPojoThenShownTwice(Keeper::new, backend);

        String expected = "1 1000 M1 " + CountedMatchesLayoutTest.candidate().merchantName + " tok_1 T-9 6 T1 800000 null";
        assertThat(shown).containsExactly(List.of(expected), List.of(expected));
    }
}
