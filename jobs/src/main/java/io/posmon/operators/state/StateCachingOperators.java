package io.posmon.operators.state;

import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's keyed process operators, with the function's {@link KeyedStateCache} in write-back mode:
 * the cache is written to the state backend before every checkpoint barrier (the operator has then
 * finished with every record before the barrier, and nothing is in flight) and at the end of the
 * input, and in the last part of each checkpoint interval, after each keyed record and timer, the
 * keys changed longest ago ({@link KeyedStateCache#writeBehind()}). A process function cannot do this
 * itself: it sees neither the barrier nor the key context. Flink's own mini-batch operators (Table
 * API) flush their bundles at the same point.
 */
public final class StateCachingOperators {

    /** A function whose keyed state goes through a {@link KeyedStateCache} it creates in {@code open}. */
    public interface CachesKeyedState {
        KeyedStateCache stateCache();
    }

    private StateCachingOperators() {
    }

    /** {@link CoBroadcastWithKeyedOperator} with the cache; input 2 is the broadcast rule sets. */
    public static class Broadcast<K, IN1, IN2, OUT> extends CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> {
        private static final long serialVersionUID = 1L;
        private transient KeyedStateCache cache;

        public <F extends KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> & CachesKeyedState> Broadcast(
                F function, List<MapStateDescriptor<?, ?>> broadcastStates) {
            super(function, broadcastStates);
        }

        @Override
        public void open() throws Exception {
            super.open();
            cache = bind(this, (CachesKeyedState) getUserFunction());
        }

        /** The function's cache, bound to this operator's keys (after {@code open}). */
        protected final KeyedStateCache cache() {
            return cache;
        }

        @Override
        public void processElement1(StreamRecord<IN1> element) throws Exception {
            super.processElement1(element);
            cache.writeBehind();
        }

        @Override
        public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
            super.onEventTime(timer);
            cache.writeBehind();
        }

        @Override
        public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
            super.onProcessingTime(timer);
            cache.writeBehind();
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            cache.beforeBarrier();
        }

        @Override
        public void finish() throws Exception {
            cache.flushAll();
            super.finish();
        }
    }

    /** {@link KeyedProcessOperator} with the cache. */
    public static class Keyed<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
        private static final long serialVersionUID = 1L;
        private transient KeyedStateCache cache;

        public <F extends KeyedProcessFunction<K, IN, OUT> & CachesKeyedState> Keyed(F function) {
            super(function);
        }

        @Override
        public void open() throws Exception {
            super.open();
            cache = bind(this, (CachesKeyedState) getUserFunction());
        }

        /** The function's cache, bound to this operator's keys (after {@code open}). */
        protected final KeyedStateCache cache() {
            return cache;
        }

        @Override
        public void processElement(StreamRecord<IN> element) throws Exception {
            super.processElement(element);
            cache.writeBehind();
        }

        @Override
        public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
            super.onEventTime(timer);
            cache.writeBehind();
        }

        @Override
        public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
            super.onProcessingTime(timer);
            cache.writeBehind();
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            cache.beforeBarrier();
        }

        @Override
        public void finish() throws Exception {
            cache.flushAll();
            super.finish();
        }
    }

    private static KeyedStateCache bind(AbstractStreamOperator<?> operator, CachesKeyedState function) {
        KeyedStateCache cache = function.stateCache();
        cache.bind(new KeyContext() {
            @Override
            public void setCurrentKey(Object key) {
                operator.setCurrentKey(key);
            }

            @Override
            public Object getCurrentKey() {
                return operator.getCurrentKey();
            }
        }, operator.getKeyedStateBackend() instanceof HeapKeyedStateBackend);
        return cache;
    }
}
