package io.posmon.operators.patterns;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state of a function's runtime context, as flink-cep's {@code SharedBuffer} asks for
 * it, remembering every state it creates: the pattern operator clears those states for the keys
 * of a removed rule without knowing the buffer's internal state names.
 */
final class RecordingStateStore implements KeyedStateStore {

    private final RuntimeContext runtime;
    private final List<StateDescriptor<?, ?>> created = new ArrayList<>();
    private final List<State> handles = new ArrayList<>();

    RecordingStateStore(RuntimeContext runtime) {
        this.runtime = runtime;
    }

    List<StateDescriptor<?, ?>> created() {
        return List.copyOf(created);
    }

    /** Clears every state created here for the current key. */
    void clearCurrentKey() {
        handles.forEach(State::clear);
    }

    private <S extends State> S remember(StateDescriptor<S, ?> d, S state) {
        created.add(d);
        handles.add(state);
        return state;
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
        return remember(d, runtime.getState(d));
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
        return remember(d, runtime.getListState(d));
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
        return remember(d, runtime.getReducingState(d));
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> d) {
        return remember(d, runtime.getAggregatingState(d));
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> d) {
        return remember(d, runtime.getMapState(d));
    }

    // The asynchronous (v2) state API: flink-cep does not use it.

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
            org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
            org.apache.flink.api.common.state.v2.ListStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
            org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
            org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public <IN, ACC, OUT> org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
            org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> d) {
        throw new UnsupportedOperationException("v2 state");
    }

    @Override
    public String getBackendTypeIdentifier() {
        return "";
    }
}
