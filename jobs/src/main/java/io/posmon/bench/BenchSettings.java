package io.posmon.bench;

import io.posmon.jobs.JobSettings;
import java.nio.file.Path;

/** Job settings of one benchmark run: the job as `posmon run` runs it, with topics and group of its own. */
record BenchSettings(String bootstrap, Path rulesDir, Path workDir, int parallelism, String stateBackend,
                     java.time.Duration bufferTimeout, boolean incrementalCheckpoints, java.time.Duration checkpointInterval) {

    /** Settings whose topics, group, profile file and checkpoints are named after {@code prefix}. */
    JobSettings forRun(String prefix) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = bootstrap;
        s.rulesDir = rulesDir;
        s.transactionsTopic = prefix + "transactions";
        s.profilesTopic = prefix + "merchant-profiles";
        s.profilesFile = workDir.resolve(prefix + "merchant-profiles.avro");
        s.alertsTopic = prefix + "alerts";
        s.deadLetterTopic = prefix + "dead-letters";
        s.lateTopic = prefix + "late";
        s.contributionsTopic = prefix + "contributions";
        s.tierChangesTopic = prefix + "tier-changes";
        s.lateContributionsTopic = prefix + "late-contributions";
        s.rulesTopic = prefix + "rules";
        s.ruleStatusTopic = prefix + "rule-status";
        s.groupId = prefix + "group";
        s.parallelism = parallelism;
        s.stateBackend = stateBackend;
        s.bufferTimeout = bufferTimeout;
        s.incrementalCheckpoints = incrementalCheckpoints;
        s.checkpointIntervalMillis = checkpointInterval.toMillis();
        s.checkpointDir = workDir.resolve(prefix + "checkpoints").toUri().toString();
        s.failFast = true;
        s.fromEarliest = true;
        return s;
    }
}
