package io.posmon.bench.jmh;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * Keyed value state in plain hash maps, for running the keyed checks without a Flink state backend:
 * the only part of a {@link RuntimeContext} the checks use is {@code getState(ValueStateDescriptor)}
 * (any other call fails). Like Flink's heap backend, a value is handed out as the object stored,
 * not a copy; unlike it, there are no key groups, no serializers and no copy-on-write tables.
 */
final class MapStateRuntime {

    private final Map<String, Map<String, Object>> states = new HashMap<>();
    private String currentKey;

    /** The key the next state accesses are for, as Flink sets it before each keyed element. */
    void setCurrentKey(String key) {
        currentKey = key;
    }

    /** Forgets every key's state. */
    void clear() {
        states.values().forEach(Map::clear);
    }

    int keys() {
        return states.values().stream().mapToInt(Map::size).max().orElse(0);
    }

    org.apache.flink.api.common.state.KeyedStateStore runtimeContext() {
        return (org.apache.flink.api.common.state.KeyedStateStore) Proxy.newProxyInstance(RuntimeContext.class.getClassLoader(),
                new Class<?>[] {org.apache.flink.api.common.state.KeyedStateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getState") && args.length == 1
                            && args[0] instanceof ValueStateDescriptor<?> d) {
                        return valueState(d.getName());
                    }
                    throw new UnsupportedOperationException("RuntimeContext." + method.getName()
                            + " is not available to the keyed checks in the benchmark");
                });
    }

    private <T> ValueState<T> valueState(String name) {
        Map<String, Object> values = states.computeIfAbsent(name, n -> new HashMap<>());
        return new ValueState<>() {
            @Override
            @SuppressWarnings("unchecked")
            public T value() {
                return (T) values.get(currentKey);
            }

            @Override
            public void update(T value) {
                if (value == null) {
                    values.remove(currentKey);
                } else {
                    values.put(currentKey, value);
                }
            }

            @Override
            public void clear() {
                values.remove(currentKey);
            }
        };
    }
}
