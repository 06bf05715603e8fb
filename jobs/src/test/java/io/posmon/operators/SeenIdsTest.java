package io.posmon.operators;

import static io.posmon.testing.SerializerRoundTrip.bytes;
import static io.posmon.testing.SerializerRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.state.Fingerprints;
import io.posmon.testing.Tx;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.junit.jupiter.api.Test;

/**
 * One dedupe step's transactions: each fingerprint found at its place whether the step is scanned
 * (a few) or indexed (many), what is remembered of each kept exactly through the serializer, about 16
 * bytes a transaction, and copies and thinned steps that share nothing with the original.
 */
class SeenIdsTest {

    private static final long T0 = Tx.local("2026-11-23T10:00:00").toEpochMilli();

    private static SeenTransaction seen(long eventTime, long amount, int day, boolean credit, boolean undone) {
        SeenTransaction s = new SeenTransaction();
        s.eventTime = eventTime;
        s.amountMinor = amount;
        s.businessDay = day;
        s.creditSale = credit;
        s.undone = undone;
        return s;
    }

    /** Each transaction as "print time amount day credit undone", in order. */
    private static List<String> entries(SeenIds s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            SeenTransaction t = s.get(i);
            out.add(s.prints[i] + " " + t.eventTime + " " + t.amountMinor + " " + t.businessDay + " " + t.creditSale + " " + t.undone);
        }
        return out;
    }

    @Test
    void eachFingerprintIsFoundAtItsPlaceBelowAndAboveTheSizeWhereTheIndexTakesOver() {
        SeenIds s = new SeenIds();
        for (int i = 0; i < 1_000; i++) {
            long print = Fingerprints.of("T" + i);
            assertThat(s.find(print)).as("T%d before it is added", i).isEqualTo(-1);
            s.add(print, seen(T0 + i, i, 20_415, i % 2 == 0, false));
            // Every id so far, at each size: the scan up to 16, then the index, grown as ids are added.
            if (i < 40 || i % 97 == 0) {
                for (int j = 0; j <= i; j++) {
                    assertThat(s.find(Fingerprints.of("T" + j))).isEqualTo(j);
                }
            }
        }
        for (int i = 1_000; i < 2_000; i++) {
            assertThat(s.find(Fingerprints.of("T" + i))).isEqualTo(-1);
        }
        assertThat(s.get(999).eventTime).isEqualTo(T0 + 999);
        assertThat(s.get(998).creditSale).isTrue();
    }

    @Test
    void aChangedTransactionKeepsItsPlaceAndAReadOneIsACopy() {
        SeenIds s = new SeenIds();
        s.add(11, seen(T0, 1_888_00, 20_415, true, false));
        s.add(12, seen(T0 + 1, 5, 20_415, false, false));
        SeenTransaction read = s.get(0);
        read.undone = true;
        assertThat(s.get(0).undone).as("a read transaction is a copy").isFalse();
        s.set(0, read);
        assertThat(entries(s)).containsExactly("11 " + T0 + " 188800 20415 true true", "12 " + (T0 + 1) + " 5 20415 false false");
    }

    @Test
    void everyFieldIsKeptAtTheEndsOfItsRangeInAnyOrderOfEventTimes() throws Exception {
        TypeSerializer<SeenIds> serializer = serializerOf();
        assertThat(serializer).isInstanceOf(MerchantStateSerialization.SeenIdsSerializer.class);
        SeenIds s = new SeenIds();
        assertThat(entries(roundTrip(serializer, s))).isEmpty();
        long[] extremes = {0, 1, -1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, T0, T0 - 1};
        for (int i = 0; i < extremes.length; i++) {
            long n = extremes[i];
            s.add(i == 0 ? Long.MIN_VALUE : i == 1 ? Long.MAX_VALUE : n * 31 + i,
                    seen(n, -n, (int) n, n % 2 == 0, n < 0));
        }
        SeenIds back = roundTrip(serializer, s);
        assertThat(entries(back)).isEqualTo(entries(s));
        assertThat(back.find(Long.MAX_VALUE)).isEqualTo(1);
        SeenIds copy = serializer.copy(s);
        assertThat(entries(copy)).isEqualTo(entries(s));
        copy.set(0, seen(7, 7, 7, false, false));
        assertThat(s.get(0).eventTime).as("the copy shares no array").isEqualTo(0);
    }

    @Test
    void aStepOfADaysTransactionsTakesAboutSixteenBytesEach() throws Exception {
        SeenIds s = new SeenIds();
        for (int i = 0; i < 100; i++) {
            // A merchant's sales some minutes apart, out of order now and then, amounts up to 10,000.00.
            long time = T0 + i * 217_000L - (i % 7 == 0 ? 30_000 : 0);
            s.add(Fingerprints.of("T" + i), seen(time, 1_000_00 + i * 9_973L, 20_415, i % 3 == 0, false));
        }
        assertThat(bytes(serializerOf(), s).length).isLessThanOrEqualTo(1 + 100 * 17);
    }

    @Test
    void whatIsKeptAfterATimeIsANewStepWithoutTheTransactionsAtOrBeforeIt() {
        SeenIds s = new SeenIds();
        s.add(1, seen(T0 + 5, 1, 1, false, false));
        s.add(2, seen(T0, 2, 1, false, false));
        s.add(3, seen(T0 + 6, 3, 1, true, true));
        SeenIds kept = s.after(T0 + 5);
        assertThat(entries(kept)).containsExactly("3 " + (T0 + 6) + " 3 1 true true");
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.earliestEventTime()).isEqualTo(T0);
        assertThat(s.latestEventTime()).isEqualTo(T0 + 6);
        assertThat(kept.find(1)).isEqualTo(-1);
    }

    private static TypeSerializer<SeenIds> serializerOf() {
        ValueStateDescriptor<SeenIds> d = new ValueStateDescriptor<>("s", SeenIds.class);
        d.initializeSerializerUnlessSet(new org.apache.flink.api.common.ExecutionConfig());
        return d.getSerializer();
    }
}
