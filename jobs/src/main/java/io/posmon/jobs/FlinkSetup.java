package io.posmon.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.CoreOptions;
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
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, s.failFast ? "none" : "exponential-delay");
        conf.set(CoreOptions.DEFAULT_PARALLELISM, s.parallelism);
        // The records are Avro or POJOs with public fields: never fall back to Kryo silently.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }
}
