package io.posmon.operators.patterns;

import static io.posmon.operators.state.OwnSerializers.writeVarInt;
import static io.posmon.operators.state.OwnSerializers.writeVarLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.state.OwnSerializers;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Matches in progress written in layout 1 (every field of every taken transaction, before
 * 2026-12-08) are read at restore and migrated to layout 2; an unknown layout is refused.
 */
class CountedMatchesLayoutTest {

    static PatternCandidate candidate() {
        return CandidateSerializationTest.full().candidate;
    }

    /** One match in progress of a two-step pattern whose first step took the candidate, as layout 1 wrote it. */
    private static byte[] layout1() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(512);
        writeVarLong(1, out); // next sequence
        writeVarInt(1, out); // one match in progress
        out.writeLong(1_000L); // its start
        writeVarLong(0, out); // start sequence
        writeVarLong(0, out); // last time - start
        writeVarLong(0, out); // last sequence - start
        writeVarInt(0, out); // step
        writeVarInt(2, out); // steps
        writeVarInt(1, out); // the first step took one
        CandidateSerialization.writeCandidate(candidate(), out);
        writeVarInt(0, out); // the second none
        writeVarInt(0, out); // no complete match waiting
        return out.getCopyOfBuffer();
    }

    static TypeSerializerSnapshot<CountedMatches> snapshotOfLayout(int layout) throws java.io.IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeUTF(CountedMatches.Serializer.class.getName());
        out.writeInt(layout);
        OwnSerializers.LayoutSnapshot<CountedMatches> snapshot = new OwnSerializers.LayoutSnapshot<>();
        snapshot.readSnapshot(1, new DataInputDeserializer(out.getCopyOfBuffer()), CountedMatchesLayoutTest.class.getClassLoader());
        return snapshot;
    }

    @Test
    void layout1IsReadWithEveryFieldAndMigratedToLayout2() throws Exception {
        TypeSerializerSnapshot<CountedMatches> old = snapshotOfLayout(1);
        assertThat(CountedMatches.Serializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old)
                .isCompatibleAfterMigration()).isTrue();

        TypeSerializer<CountedMatches> reader = old.restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(layout1());
        CountedMatches m = reader.deserialize(in);
        assertThat(in.available()).isZero();

        assertThat(m.nextSeq).isEqualTo(1);
        assertThat(m.partial).hasSize(1);
        assertThat(m.partial.get(0).startTime).isEqualTo(1_000L);
        PatternCandidate taken = m.partial.get(0).taken[0].get(0);
        assertThat(taken).usingRecursiveComparison()
                .ignoringFields("mccGroup", "feeRateBps", "merchantStatus", "settlementAccountType")
                .isEqualTo(candidate());
        assertThat(m.partial.get(0).taken[1]).isEmpty();

        // Written again, now in layout 2, it reads back the same with the current serializer.
        DataOutputSerializer out = new DataOutputSerializer(512);
        CountedMatches.Serializer.INSTANCE.serialize(m, out);
        CountedMatches again = CountedMatches.Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(again.partial.get(0).taken[0].get(0)).usingRecursiveComparison().isEqualTo(taken);
        assertThat(reader.snapshotConfiguration().resolveSchemaCompatibility(
                CountedMatches.Serializer.INSTANCE.snapshotConfiguration()).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aLayoutThisVersionDoesNotKnowIsRefused() throws Exception {
        assertThat(CountedMatches.Serializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(snapshotOfLayout(3))
                .isIncompatible()).isTrue();
        assertThat(CountedMatches.Serializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(snapshotOfLayout(2))
                .isCompatibleAsIs()).isTrue();
    }
}
