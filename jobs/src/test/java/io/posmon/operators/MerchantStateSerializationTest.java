package io.posmon.operators;

import static io.posmon.testing.SerializerRoundTrip.bytes;
import static io.posmon.testing.SerializerRoundTrip.roundTrip;
import static io.posmon.testing.SerializerRoundTrip.snapshotReadBack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.operators.checks.CheckStateSerialization;
import io.posmon.operators.checks.DailyLimitState;
import io.posmon.operators.checks.VolumeDay;
import io.posmon.operators.checks.VolumeHistory;
import io.posmon.operators.checks.VolumeState;
import io.posmon.operators.contribution.ContributionStateSerialization;
import io.posmon.operators.contribution.SaleMemo;
import io.posmon.operators.state.OwnSerializers;
import io.posmon.testing.Tx;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The own serializers of the state of the merchant operator, the keyed checks and the contribution
 * operators: Flink picks them for the state descriptors the operators declare, they keep every
 * field at the ends of its range, the volume history is written compactly, and a checkpoint from
 * another serializer is refused.
 */
class MerchantStateSerializationTest {

    private static <T> TypeSerializer<T> serializerOf(Class<T> type) {
        // As the operators declare them: a value state descriptor built from the class.
        ValueStateDescriptor<T> d = new ValueStateDescriptor<>("s", type);
        d.initializeSerializerUnlessSet(new org.apache.flink.api.common.ExecutionConfig());
        return d.getSerializer();
    }

    @Test
    void flinkPicksTheOwnSerializerOfEachStateClass() {
        assertThat(serializerOf(SeenTransaction.class)).isInstanceOf(MerchantStateSerialization.SeenTransactionSerializer.class);
        assertThat(serializerOf(RecentTransactions.class)).isInstanceOf(MerchantStateSerialization.RecentTransactionsSerializer.class);
        assertThat(serializerOf(VolumeHistory.class)).isInstanceOf(CheckStateSerialization.VolumeHistorySerializer.class);
        assertThat(serializerOf(VolumeState.class)).isInstanceOf(CheckStateSerialization.VolumeStateSerializer.class);
        assertThat(serializerOf(DailyLimitState.class)).isInstanceOf(CheckStateSerialization.DailyLimitStateSerializer.class);
        assertThat(TypeInformation.of(SeenTransaction.class).createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(MerchantStateSerialization.SeenTransactionSerializer.class);
    }

    @Test
    void salesKeptForRefundsKeepEveryField() throws Exception {
        TypeSerializer<SaleMemo> s = serializerOf(SaleMemo.class);
        assertThat(s).isInstanceOf(ContributionStateSerialization.SaleMemoSerializer.class);
        SaleMemo m = new SaleMemo();
        assertThat(roundTrip(s, m)).usingRecursiveComparison().isEqualTo(m); // no MCC group
        m.eventTime = Tx.local("2026-11-23T10:00:00").toEpochMilli();
        m.remainingMinor = Long.MAX_VALUE;
        m.instalment = true;
        m.feeRateBps = 60;
        m.mccGroup = "JEWELRY_LUXURY";
        assertThat(roundTrip(s, m)).usingRecursiveComparison().isEqualTo(m);
        m.remainingMinor = 1_888_00;
        m.eligible = true;
        m.instalment = false;
        assertThat(s.copy(m)).usingRecursiveComparison().isEqualTo(m).isNotSameAs(m);
        assertThat(bytes(s, m)).hasSizeLessThanOrEqualTo(12 + 1 + "JEWELRY_LUXURY".length());
    }

    @Test
    void seenTransactionsKeepEveryFieldAtTheEndsOfTheirRange() throws Exception {
        TypeSerializer<SeenTransaction> s = serializerOf(SeenTransaction.class);
        for (long n : new long[] {0, 1, -1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE}) {
            SeenTransaction t = new SeenTransaction();
            t.eventTime = n;
            t.amountMinor = -n;
            t.businessDay = (int) n;
            t.creditSale = n % 2 == 0;
            t.undone = n < 0;
            assertThat(roundTrip(s, t)).usingRecursiveComparison().isEqualTo(t);
            assertThat(s.copy(t)).usingRecursiveComparison().isEqualTo(t).isNotSameAs(t);
        }
        SeenTransaction typical = new SeenTransaction();
        typical.eventTime = Tx.local("2026-11-23T10:00:00").toEpochMilli();
        typical.amountMinor = 1_888_00;
        typical.businessDay = 20_415;
        typical.creditSale = true;
        assertThat(bytes(s, typical)).hasSizeLessThanOrEqualTo(14);
    }

    @Test
    void recentEvidenceKeepsItsItemsInOrderAndCopiesThem() throws Exception {
        TypeSerializer<RecentTransactions> s = serializerOf(RecentTransactions.class);
        RecentTransactions r = new RecentTransactions();
        assertThat(roundTrip(s, r).asList()).isEmpty();
        r.add(EvidenceItem.of(Tx.credit("T1", "M1", "2026-11-23T10:00:00", 800_000)), 10);
        r.add(EvidenceItem.of(Tx.debit("T2", "M1", "2026-11-23T10:05:00", 12_345)), 10);
        r.add(new EvidenceItem(), 10); // every field null or zero
        assertThat(roundTrip(s, r).asList()).usingRecursiveFieldByFieldElementComparator().isEqualTo(r.asList());
        RecentTransactions copy = s.copy(r);
        assertThat(copy.asList()).usingRecursiveFieldByFieldElementComparator().isEqualTo(r.asList());
        copy.add(EvidenceItem.of(Tx.credit("T3", "M1", "2026-11-23T10:06:00", 1)), 10);
        assertThat(r.size()).isEqualTo(3);
    }

    /** The ring is written as the list of items was: savepoints of either version read the other's. */
    @Test
    void recentEvidenceIsWrittenInTheLayoutOfTheListBefore() throws Exception {
        TypeSerializer<RecentTransactions> s = serializerOf(RecentTransactions.class);
        List<EvidenceItem> items = List.of(
                EvidenceItem.of(Tx.credit("T1", "M1", "2026-11-23T10:00:00", 800_000)),
                EvidenceItem.of(Tx.debit("T2", "M1", "2026-11-23T10:05:00", 12_345)));
        DataOutputSerializer before = new DataOutputSerializer(64);
        OwnSerializers.writeVarInt(items.size(), before);
        for (EvidenceItem e : items) {
            MerchantStateSerialization.writeEvidence(e, before);
        }
        RecentTransactions r = new RecentTransactions();
        items.forEach(e -> r.add(e, 10));
        assertThat(bytes(s, r)).isEqualTo(before.getCopyOfBuffer());
    }

    private static VolumeDay day(int day, int activeHours, long amountPerHour) {
        VolumeDay d = new VolumeDay();
        d.day = day;
        int from = Math.min(8, 24 - activeHours);
        for (int h = from; h < from + activeHours; h++) {
            d.hourAmount[h] = amountPerHour;
            d.hourCount[h] = 5;
            d.amount += amountPerHour;
            d.count += 5;
        }
        return d;
    }

    @Test
    void volumeStateKeepsBothDaysAndTheCachedBaselines() throws Exception {
        TypeSerializer<VolumeState> s = serializerOf(VolumeState.class);
        VolumeState v = new VolumeState();
        assertThat(roundTrip(s, v)).usingRecursiveComparison().isEqualTo(v); // no days yet
        v.cur = day(20_415, 12, 500_000);
        v.cur.dayAlerted = true;
        v.cur.hourAlertedMask = 1 << 23;
        v.cur.hourAmount[23] = Long.MIN_VALUE;
        v.prev = day(20_414, 24, Long.MAX_VALUE);
        v.firstSeenDay = 20_400;
        v.baselineDay = 20_415;
        v.dayAmountSum = -7;
        v.dayCountSum = Long.MAX_VALUE;
        v.dayDivisor = 28;
        v.hourFromPeers = true;
        v.baselineHour = 23;
        v.hourAmountSum = Long.MIN_VALUE;
        v.hourDivisor = 12;
        assertThat(roundTrip(s, v)).usingRecursiveComparison().isEqualTo(v);
        VolumeState copy = s.copy(v);
        assertThat(copy).usingRecursiveComparison().isEqualTo(v);
        assertThat(copy.cur.hourAmount).isNotSameAs(v.cur.hourAmount);
    }

    @Test
    void dailyLimitStateKeepsBothDaysAndTheirFlags() throws Exception {
        TypeSerializer<DailyLimitState> s = serializerOf(DailyLimitState.class);
        DailyLimitState d = new DailyLimitState();
        assertThat(roundTrip(s, d)).usingRecursiveComparison().isEqualTo(d); // Integer.MIN_VALUE days
        d.day = 20_415;
        d.net = -1;
        d.alerted = true;
        d.prevDay = 20_414;
        d.prevNet = Long.MAX_VALUE;
        d.prevWarned = true;
        assertThat(roundTrip(s, d)).usingRecursiveComparison().isEqualTo(d);
        assertThat(s.copy(d)).usingRecursiveComparison().isEqualTo(d);
    }

    @Test
    void aVolumeHistoryWritesOnlyItsHoursWithSales() throws Exception {
        TypeSerializer<VolumeHistory> s = serializerOf(VolumeHistory.class);
        VolumeHistory h = emptyHistory(28);
        byte[] empty = bytes(s, h);
        assertThat(empty).hasSizeLessThanOrEqualTo(2 + 28); // the lengths, then one header byte a day
        assertThat(roundTrip(s, h)).usingRecursiveComparison().isEqualTo(h);

        // A month of a merchant selling 12 hours a day, about 5,000.00 an hour: fixed-width it is
        // 28 x (4 + 8 + 4 + 24 x 12) bytes, 8.5 KB.
        for (int d = 0; d < 28; d++) {
            put(h, day(20_388 + d, 12, 500_000 + d));
        }
        byte[] month = bytes(s, h);
        assertThat(month.length).isLessThan(28 * (4 + 8 + 4 + 24 * 12) / 3);
        assertThat(roundTrip(s, h)).usingRecursiveComparison().isEqualTo(h);

        // Figures in a slot whose day is not held, and the ends of the number ranges, are kept too.
        h.days[3] = Integer.MIN_VALUE;
        h.hourAmount[3 * 24 + 23] = Long.MIN_VALUE;
        h.hourCount[5 * 24] = Integer.MAX_VALUE;
        h.amount[6] = Long.MAX_VALUE;
        VolumeHistory read = roundTrip(s, h);
        assertThat(read).usingRecursiveComparison().isEqualTo(h);
        VolumeHistory copy = s.copy(h);
        assertThat(copy).usingRecursiveComparison().isEqualTo(h);
        assertThat(copy.hourAmount).isNotSameAs(h.hourAmount);
    }

    @Test
    void aHistoryCutShortOrWithBytesTooManyIsRefused() throws Exception {
        TypeSerializer<VolumeHistory> s = serializerOf(VolumeHistory.class);
        VolumeHistory h = emptyHistory(28);
        put(h, day(20_400, 12, 500_000));
        byte[] written = bytes(s, h);
        byte[] cut = Arrays.copyOf(written, written.length - 1);
        assertThatThrownBy(() -> s.deserialize(new DataInputDeserializer(cut))).isInstanceOf(IOException.class);
        // A length that says one byte more than the fields take (the next byte of the input read as part of it).
        DataInputDeserializer original = new DataInputDeserializer(written);
        int length = OwnSerializers.readVarInt(original);
        byte[] body = new byte[length];
        original.readFully(body);
        DataOutputSerializer longer = new DataOutputSerializer(64);
        OwnSerializers.writeVarInt(length + 1, longer);
        longer.write(body);
        longer.writeByte(0);
        assertThatThrownBy(() -> s.deserialize(new DataInputDeserializer(longer.getCopyOfBuffer())))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt");
    }

    @Test
    void aHistoryWhoseArraysDisagreeIsNotWritten() {
        TypeSerializer<VolumeHistory> s = serializerOf(VolumeHistory.class);
        VolumeHistory h = emptyHistory(28);
        h.hourCount = new int[24];
        assertThatThrownBy(() -> bytes(s, h)).isInstanceOf(IllegalStateException.class).hasMessageContaining("28 days");
    }

    private static VolumeHistory emptyHistory(int days) {
        VolumeHistory h = new VolumeHistory();
        h.days = new int[days];
        Arrays.fill(h.days, Integer.MIN_VALUE);
        h.amount = new long[days];
        h.count = new int[days];
        h.hourAmount = new long[days * 24];
        h.hourCount = new int[days * 24];
        return h;
    }

    /** As the volume check closes a day: into its slot of the ring. */
    private static void put(VolumeHistory h, VolumeDay d) {
        int i = Math.floorMod(d.day, h.days.length);
        h.days[i] = d.day;
        h.amount[i] = d.amount;
        h.count[i] = d.count;
        System.arraycopy(d.hourAmount, 0, h.hourAmount, i * 24, 24);
        System.arraycopy(d.hourCount, 0, h.hourCount, i * 24, 24);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aCheckpointOfAnotherSerializerOrLayoutIsRefused() throws Exception {
        TypeSerializer<VolumeHistory> s = serializerOf(VolumeHistory.class);
        TypeSerializerSnapshot<VolumeHistory> now = s.snapshotConfiguration();
        assertThat(now.resolveSchemaCompatibility(snapshotReadBack(s)).isCompatibleAsIs()).isTrue();
        TypeSerializerSnapshot other = LongSerializer.INSTANCE.snapshotConfiguration();
        assertThat(now.resolveSchemaCompatibility(other).isIncompatible()).isTrue();
        TypeSerializerSnapshot ofAnotherClass = snapshotReadBack(serializerOf(VolumeState.class));
        assertThat(now.resolveSchemaCompatibility(ofAnotherClass).isIncompatible()).isTrue();
    }

    @Test
    void variableLengthNumbersRoundTripAndCorruptOnesAreRefused() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        long[] values = {0, 1, -1, 127, 128, -128, 16_383, 16_384, 1L << 35, -(1L << 35), Long.MAX_VALUE, Long.MIN_VALUE};
        for (long v : values) {
            OwnSerializers.writeVarLong(v, out);
        }
        OwnSerializers.writeVarInt(Integer.MIN_VALUE, out);
        OwnSerializers.writeVarInt(Integer.MAX_VALUE, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (long v : values) {
            assertThat(OwnSerializers.readVarLong(in)).isEqualTo(v);
        }
        assertThat(OwnSerializers.readVarInt(in)).isEqualTo(Integer.MIN_VALUE);
        assertThat(OwnSerializers.readVarInt(in)).isEqualTo(Integer.MAX_VALUE);
        assertThat(in.available()).isZero();

        byte[] tooLong = new byte[11];
        Arrays.fill(tooLong, (byte) 0x80);
        assertThatThrownBy(() -> OwnSerializers.readVarLong(new DataInputDeserializer(tooLong)))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt");
        DataOutputSerializer big = new DataOutputSerializer(16);
        OwnSerializers.writeVarLong(1L << 40, big);
        assertThatThrownBy(() -> OwnSerializers.readVarInt(new DataInputDeserializer(big.getCopyOfBuffer())))
                .isInstanceOf(IOException.class).hasMessageContaining("int range");
    }
}
