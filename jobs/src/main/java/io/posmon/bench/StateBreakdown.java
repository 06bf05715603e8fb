package io.posmon.bench;

import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

/**
 * Where a checkpoint's bytes are: its size per operator and state, read back from the checkpoint's
 * files with the serializers the checkpoint itself names. The state part measures state per merchant
 * as a whole; this says which state holds it (README, Performance: state per merchant).
 *
 * <p>Reads full snapshots of the heap backend only (the state part's): each key group there holds,
 * per state, a count and its entries (namespace, key and value for a keyed state; the element for
 * timers), which are read one by one to count their bytes. Operator state is measured by the
 * offsets its handle keeps. Every byte of every file is accounted for, or the read fails: the
 * headers (the serializers' descriptions, the key-group and state ids) are a part of their own.
 */
final class StateBreakdown {

    /**
     * Bytes of one state of one operator, summed over its subtasks; {@code fixed} of them do not grow
     * with the keys: the headers, and a keyed state's id and count in every key group (6 bytes each,
     * written even when the key group holds none of its keys).
     */
    record Part(String operator, String state, String kind, long bytes, long fixed) {
    }

    /** A keyed state's id (a short) and its number of entries (an int), in every key group. */
    static final int PER_STATE_AND_KEY_GROUP = 2 + 4;

    static final String HEADERS = "(headers)";

    private StateBreakdown() {
    }

    /** The parts of the checkpoint at {@code pointer} (its directory), in the order met. */
    static List<Part> of(String pointer) throws IOException {
        ClassLoader loader = StateBreakdown.class.getClassLoader();
        var location = AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(pointer);
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(location.getMetadataHandle().openInputStream())) {
            metadata = Checkpoints.loadCheckpointMetadata(in, loader, pointer);
        }
        Map<String, Part> parts = new LinkedHashMap<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            String name = operator.getOperatorUid().or(operator::getOperatorName)
                    .orElse(operator.getOperatorID().toString());
            for (OperatorSubtaskState subtask : operator.getStates()) {
                add(name, subtask, parts);
            }
        }
        return new ArrayList<>(parts.values());
    }

    /** Adds one subtask's managed state to {@code parts} (by operator and state). */
    static void add(String operator, OperatorSubtaskState subtask, Map<String, Part> parts) throws IOException {
        for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
            if (!(handle instanceof KeyGroupsStateHandle keyGroups)) {
                throw new IOException(operator + ": keyed state in " + handle.getClass().getSimpleName()
                        + ", not a full snapshot of the heap backend");
            }
            readKeyed(operator, keyGroups, StateBreakdown.class.getClassLoader(), parts);
        }
        for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
            readOperatorState(operator, handle, parts);
        }
    }

    private static void add(Map<String, Part> parts, String operator, String state, String kind, long bytes, long fixed) {
        parts.merge(operator + '\u0000' + state, new Part(operator, state, kind, bytes, fixed),
                (a, b) -> new Part(a.operator(), a.state(), a.kind(), a.bytes() + b.bytes(), a.fixed() + b.fixed()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void readKeyed(String operator, KeyGroupsStateHandle handle, ClassLoader loader,
                                  Map<String, Part> parts) throws IOException {
        try (FSDataInputStream file = handle.openInputStream()) {
            Counting counted = new Counting(file);
            DataInputViewStreamWrapper in = new DataInputViewStreamWrapper(counted);
            KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(loader);
            proxy.read(in);
            if (proxy.isUsingKeyGroupCompression()) {
                throw new IOException(operator + ": compressed snapshot, not read");
            }
            TypeSerializer key = proxy.getKeySerializerSnapshot().restoreSerializer();
            List<StateMetaInfoSnapshot> states = proxy.getStateMetaInfoSnapshots();
            TypeSerializer[] namespaces = new TypeSerializer[states.size()];
            TypeSerializer[] values = new TypeSerializer[states.size()];
            String[] kinds = new String[states.size()];
            for (int i = 0; i < states.size(); i++) {
                StateMetaInfoSnapshot s = states.get(i);
                values[i] = s.getTypeSerializerSnapshot(StateMetaInfoSnapshot.CommonSerializerKeys.VALUE_SERIALIZER)
                        .restoreSerializer();
                if (s.getBackendStateType() == StateMetaInfoSnapshot.BackendStateType.PRIORITY_QUEUE) {
                    kinds[i] = "timers";
                } else {
                    namespaces[i] = s.getTypeSerializerSnapshot(
                            StateMetaInfoSnapshot.CommonSerializerKeys.NAMESPACE_SERIALIZER).restoreSerializer();
                    kinds[i] = "keyed " + s.getOption(StateMetaInfoSnapshot.CommonOptionsKeys.KEYED_STATE_TYPE)
                            .toLowerCase(java.util.Locale.ROOT);
                }
            }
            long headers = counted.position;
            long[] bytes = new long[states.size()];
            for (int keyGroup : handle.getKeyGroupRange()) {
                long at = handle.getOffsetForKeyGroup(keyGroup);
                if (at != counted.position) {
                    throw new IOException(operator + ": key group " + keyGroup + " at " + at + ", read up to " + counted.position);
                }
                if (in.readInt() != keyGroup) {
                    throw new IOException(operator + ": key group " + keyGroup + " not where its offset says");
                }
                headers += 4;
                // Every state has its place in every key group, in the order of the snapshot's states.
                for (int n = 0; n < states.size(); n++) {
                    long start = counted.position;
                    int id = in.readShort();
                    int entries = in.readInt(); // the id and count: PER_STATE_AND_KEY_GROUP
                    for (int e = 0; e < entries; e++) {
                        if (namespaces[id] == null) {
                            values[id].deserialize(in);
                        } else {
                            namespaces[id].deserialize(in);
                            key.deserialize(in);
                            values[id].deserialize(in);
                        }
                    }
                    bytes[id] += counted.position - start;
                }
            }
            if (file.read() != -1) {
                throw new IOException(operator + ": bytes left after the last key group");
            }
            add(parts, operator, HEADERS, "", headers, headers);
            long fixed = (long) handle.getKeyGroupRange().getNumberOfKeyGroups() * PER_STATE_AND_KEY_GROUP;
            for (int i = 0; i < states.size(); i++) {
                add(parts, operator, states.get(i).getName(), kinds[i], bytes[i], fixed);
            }
        }
    }

    /** Each state's bytes from its elements' offsets: the states follow each other, the header first. */
    private static void readOperatorState(String operator, OperatorStateHandle handle, Map<String, Part> parts)
            throws IOException {
        record Start(long offset, String state) {
        }
        List<Start> starts = new ArrayList<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        handle.getStateNameToPartitionOffsets().forEach((state, info) -> {
            kinds.put(state, "operator " + info.getDistributionMode().name().toLowerCase(java.util.Locale.ROOT));
            for (long offset : info.getOffsets()) {
                starts.add(new Start(offset, state));
            }
        });
        long end = handle.getStateSize();
        starts.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        long[] ends = new long[starts.size()];
        Arrays.setAll(ends, i -> i + 1 < starts.size() ? starts.get(i + 1).offset() : end);
        long header = starts.isEmpty() ? end : starts.get(0).offset();
        add(parts, operator, HEADERS, "", header, header);
        kinds.forEach((state, kind) -> add(parts, operator, state, kind, 0, 0));
        for (int i = 0; i < starts.size(); i++) {
            add(parts, operator, starts.get(i).state(), kinds.get(starts.get(i).state()), ends[i] - starts.get(i).offset(), 0);
        }
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        long position;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            position += skipped;
            return skipped;
        }
    }
}
