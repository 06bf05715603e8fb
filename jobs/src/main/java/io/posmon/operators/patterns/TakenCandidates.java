package io.posmon.operators.patterns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The transactions one step of a match has taken, each kept as its serialized bytes (the layout of
 * {@link CandidateSerialization#writeTaken}, with the fields {@link TakenLayout} says, which is also
 * what the state holds) and read back into a {@link PatternCandidate} each time it is asked for.
 *
 * <p>Why bytes: a partial match is kept for its rule's window, a day for many-cards-one-customer,
 * whose keys (a customer at a merchant) are most of the pattern operator's. As objects, a taken
 * transaction was about 28 of them (the candidate, its evidence, nine strings with their arrays),
 * and the young collections copied every one of them; as bytes it is one array. They are read
 * back only when a later transaction's condition looks at the match ({@code matched.<step>}) or the
 * match is reported, both rare next to a key's first transaction, which is only kept.
 */
final class TakenCandidates extends AbstractList<PatternCandidate> {

    private static final byte[][] NONE = new byte[0][];
    /** One buffer per thread to write a candidate into before its bytes are copied out. */
    private static final ThreadLocal<DataOutputSerializer> ENCODER = ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

    private byte[][] items = NONE;
    private int size;

    @Override
    public PatternCandidate get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        try {
            return CandidateSerialization.readTaken(new DataInputDeserializer(items[index]), null);
        } catch (IOException e) {
            throw new UncheckedIOException("a taken transaction's bytes do not read back", e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Keeps the candidate's merchant id, evidence and the {@code fields} named ({@link TakenLayout}) as
     * bytes: changing it afterwards changes nothing here.
     */
    void take(PatternCandidate candidate, int fields) {
        DataOutputSerializer out = ENCODER.get();
        out.clear();
        try {
            CandidateSerialization.writeTaken(candidate, fields, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a taken transaction", e);
        }
        addEncoded(out.getCopyOfBuffer());
    }

    /** Keeps bytes in {@link CandidateSerialization#writeTaken}'s layout as they are. */
    void addEncoded(byte[] encoded) {
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(1, size * 2));
        }
        items[size++] = encoded;
    }

    /** The bytes of the transaction at {@code index}, as the state writes them. */
    byte[] encoded(int index) {
        return items[index];
    }

    /** A copy that shares the byte arrays: they are never changed. */
    TakenCandidates copy() {
        TakenCandidates c = new TakenCandidates();
        c.items = size == 0 ? NONE : Arrays.copyOf(items, size);
        c.size = size;
        return c;
    }
}
