package io.posmon.jobs;

import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import java.time.Duration;

/** The Flink configuration the job runs with: RocksDB, exactly-once checkpoints, bounded restarts. */
public final class FlinkSetup {

    private FlinkSetup() {
    }

    public static Configuration configuration(JobSettings s) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, s.stateBackend);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(s.checkpointIntervalMillis));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, s.incrementalCheckpoints);
        // Timers on the heap, not in RocksDB: every candidate of a pattern rule and every contribution
        // emission has one, and a RocksDB timer costs a write, a seek and a delete. They are few per
        // key (coalesced per hour or minute) and are checkpointed with the keyed state.
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        // Bloom filters let a read of a key that has no state (a merchant's first transaction, a
        // transaction id not seen before: most reads of the dedupe) skip the data blocks altogether.
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        conf.set(RocksDBOptions.OPTIONS_FACTORY, MemtableBloomFilter.class.getName());
        // Only an in-process cluster (demo, bench, `posmon run`) takes this; a Flink cluster has its own.
        // Too little and RocksDB reads and decompresses the same blocks again and again.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(s.managedMemory));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, s.failFast ? "none" : "exponential-delay");
        conf.set(CoreOptions.DEFAULT_PARALLELISM, s.parallelism);
        // The records are Avro or POJOs with public fields: never fall back to Kryo silently.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Chained operators hand records on without a deep copy. Safe here: no function keeps or
        // changes a record it was given after passing it on (records are copied into state by
        // serialization, and evidence and candidates are built as new objects).
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        // A record waits at most this long in a network buffer that is not full: part of every alert's
        // latency when traffic is light; under load buffers fill and go sooner.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, s.bufferTimeout);
        // Pattern rules act when the watermark passes a candidate: their alerts wait for the next one.
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, s.watermarkInterval);
        // -Dposmon.rocksdb.log=<dir>: RocksDB's own log (each flush with its entries, deletes and time), to see
        // what a checkpoint's sync phase flushes (README, Performance). Off by default: RocksDB logs nothing.
        String rocksLog = System.getProperty("posmon.rocksdb.log");
        if (rocksLog != null) {
            conf.set(RocksDBConfigurableOptions.LOG_LEVEL, org.rocksdb.InfoLogLevel.INFO_LEVEL);
            conf.set(RocksDBConfigurableOptions.LOG_DIR, rocksLog);
        }
        return conf;
    }
}
