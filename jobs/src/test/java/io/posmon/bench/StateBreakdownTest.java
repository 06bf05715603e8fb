package io.posmon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The breakdown of a heap snapshot accounts for every byte, each state's where its entries are. */
class StateBreakdownTest {

    private static final int KEY_GROUPS = 16;
    /** Per state and key group: its id (a short) and its number of entries (an int). */
    private static final int PER_KEY_GROUP = 2 + 4;
    private static final long FIXED = KEY_GROUPS * PER_KEY_GROUP;

    @Test
    void everyStateHasItsEntriesBytesAndTheWholeSnapshotIsAccountedFor() throws Exception {
        List<String> keys = List.of("a", "bb", "cccc");
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Counting()),
                (String s) -> s, Types.STRING, KEY_GROUPS, 1, 0)) {
            h.setStateBackend(new HashMapStateBackend());
            h.open();
            for (String k : keys) {
                h.processElement(k, 1);
            }
            h.processElement("a", 2);
            snapshot = h.snapshot(1, 1);
        }
        Map<String, StateBreakdown.Part> parts = new HashMap<>();
        StateBreakdown.add("op", snapshot, parts);
        Map<String, StateBreakdown.Part> byState = new HashMap<>();
        parts.values().forEach(p -> byState.put(p.state(), p));

        long entries = 0;
        long timers = 0;
        for (String k : keys) {
            entries += bytes(VoidNamespaceSerializer.INSTANCE, VoidNamespace.INSTANCE) + bytes(StringSerializer.INSTANCE, k)
                    + bytes(LongSerializer.INSTANCE, 1L);
            timers += bytes(LongSerializer.INSTANCE, 1L) + bytes(StringSerializer.INSTANCE, k)
                    + bytes(VoidNamespaceSerializer.INSTANCE, VoidNamespace.INSTANCE);
        }
        assertEquals(new StateBreakdown.Part("op", "count", "keyed value", FIXED + entries, FIXED),
                byState.get("count"));
        // Registered, never written: only its place in each key group.
        assertEquals(new StateBreakdown.Part("op", "unused", "keyed map", FIXED, FIXED), byState.get("unused"));
        assertEquals(new StateBreakdown.Part("op", "_timer_state/event_user-timers", "timers", FIXED + timers, FIXED),
                byState.get("_timer_state/event_user-timers"));
        assertEquals(new StateBreakdown.Part("op", "held", "operator union",
                bytes(StringSerializer.INSTANCE, "x") + bytes(StringSerializer.INSTANCE, "yyy"), 0), byState.get("held"));
        StateBreakdown.Part headers = byState.get(StateBreakdown.HEADERS);
        assertEquals(headers.bytes(), headers.fixed());

        long size = snapshot.getManagedKeyedState().iterator().next().getStateSize()
                + snapshot.getManagedOperatorState().iterator().next().getStateSize();
        assertEquals(size, parts.values().stream().mapToLong(StateBreakdown.Part::bytes).sum());
    }

    private static <T> long bytes(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.length();
    }

    /** Counts per key (a value state), sets a timer per key, and holds two strings in union operator state. */
    private static final class Counting extends KeyedProcessFunction<String, String, String> implements CheckpointedFunction {
        private transient ValueState<Long> count;
        private transient MapState<String, Long> unused;
        private transient ListState<String> held;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
            unused = getRuntimeContext().getMapState(new MapStateDescriptor<>("unused", String.class, Long.class));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            Long c = count.value();
            count.update(c == null ? 1L : c); // the same 8 bytes whatever the count
            ctx.timerService().registerEventTimeTimer(1L);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            held.update(List.of("x", "yyy"));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            held = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("held", String.class));
        }
    }
}
