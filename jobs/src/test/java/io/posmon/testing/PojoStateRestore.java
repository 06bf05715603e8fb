package io.posmon.testing;

import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A savepoint of state written by Flink's POJO serializer, restored by a version with serializers of
 * its own: a keeper function (given whether to declare its states with the POJO types) stores its
 * values on "k1:keep" and emits what it reads on "k1:show".
 */
public final class PojoStateRestore {

    private PojoStateRestore() {
    }

    /**
     * Keeps the values with the POJO types, restores with the own ones and shows them; keeps them
     * again, restores once more and shows them again. Returns the two outputs of "show".
     *
     * @param backend "rocksdb" or "hashmap"
     */
    public static List<List<String>> keptAsPojoThenShownTwice(Function<Boolean, KeyedProcessFunction<String, String, String>> keeper,
                                                             String backend) throws Exception {
        OperatorSubtaskState savepoint;
        try (var h = harness(keeper.apply(true), backend)) {
            h.open();
            h.processElement("k1:keep", 1);
            savepoint = h.snapshot(1, 1);
        }
        List<String> first;
        try (var h = harness(keeper.apply(false), backend)) {
            h.initializeState(savepoint);
            h.open();
            h.processElement("k1:show", 2);
            first = List.copyOf(h.extractOutputValues());
            // What the restored job writes from now on is read back by the next restore.
            h.processElement("k1:keep", 3);
            savepoint = h.snapshot(2, 2);
        }
        try (var h = harness(keeper.apply(false), backend)) {
            h.initializeState(savepoint);
            h.open();
            h.processElement("k1:show", 4);
            return List.of(first, List.copyOf(h.extractOutputValues()));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            KeyedProcessFunction<String, String, String> keeper, String backend) throws Exception {
        KeySelector<String, String> key = s -> s.substring(0, s.indexOf(':'));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(keeper), key, Types.STRING);
        h.setStateBackend(backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        return h;
    }
}
