package io.posmon.jobs;

import io.posmon.kafka.KafkaClientSecurity;
import java.nio.file.Path;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Option;

/**
 * Where the jobs read and write, and how they run. Rule parameters are not here:
 * they live in the rules directory. The picocli annotations make these the CLI's options too.
 */
public class JobSettings {

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (host:port,...). Default: ${DEFAULT-VALUE}")
    public String bootstrapServers = "localhost:9092";

    @Option(names = "--kafka-properties", paramLabel = "FILE", defaultValue = "${env:POSMON_KAFKA_PROPERTIES}",
            description = "Java properties file of Kafka client security settings (security.protocol, sasl.*, ssl.*, "
                    + "config.providers*) given unchanged to every Kafka client of the job. Refer to secrets with "
                    + "Kafka's config providers (env:NAME or file:PATH:KEY in $${...}), never write them in it. "
                    + "Default: the file named by POSMON_KAFKA_PROPERTIES, else none (PLAINTEXT).")
    public Path kafkaProperties;

    @Option(names = "--transactions-topic", description = "PosTransaction (Avro) input topic. Default: ${DEFAULT-VALUE}")
    public String transactionsTopic = "posmon.transactions";

    @Option(names = "--profiles-topic", description = "MerchantProfile (Avro) compacted input topic. Default: ${DEFAULT-VALUE}")
    public String profilesTopic = "posmon.merchant-profiles";

    @Option(names = "--alerts-topic", description = "MerchantAlert (Avro) output topic. Default: ${DEFAULT-VALUE}")
    public String alertsTopic = "posmon.merchant-alerts";

    @Option(names = "--dead-letter-topic", description = "DeadLetter (Avro) topic for records that cannot be processed. Default: ${DEFAULT-VALUE}")
    public String deadLetterTopic = "posmon.dead-letters";

    @Option(names = "--late-topic", description = "PosTransaction (Avro) topic for events later than the allowed lateness. Default: ${DEFAULT-VALUE}")
    public String lateTopic = "posmon.late-transactions";

    @Option(names = "--contributions-topic", description = "CustomerContribution (Avro) compacted output topic. Default: ${DEFAULT-VALUE}")
    public String contributionsTopic = "posmon.contributions";

    @Option(names = "--tier-changes-topic", description = "TierChange (Avro) output topic. Default: ${DEFAULT-VALUE}")
    public String tierChangesTopic = "posmon.tier-changes";

    @Option(names = "--late-contributions-topic", description = "PosTransaction (Avro) topic for events later than the contribution policy's lateness. Default: ${DEFAULT-VALUE}")
    public String lateContributionsTopic = "posmon.late-contributions";

    @Option(names = "--holdings-topic", description = "CustomerHoldings (Avro) compacted input topic, optional: held products that qualify for a tier. Default: none")
    public String holdingsTopic;

    @Option(names = "--rules-topic", description = "RuleSetSnapshot (Avro) topic of rule sets published while the job runs (posmon rules publish). Default: ${DEFAULT-VALUE}")
    public String rulesTopic = "posmon.rules";

    @Option(names = "--rule-status-topic", description = "RuleSetStatus (Avro) topic: what the job did with each published rule set. Default: ${DEFAULT-VALUE}")
    public String ruleStatusTopic = "posmon.rule-status";

    @Option(names = "--group-id", description = "Kafka consumer group (offsets are committed on checkpoints). Default: ${DEFAULT-VALUE}")
    public String groupId = "posmon-merchant-risk";

    @Option(names = "--rules", description = "Directory of rule and policy files. Default: ${DEFAULT-VALUE}")
    public Path rulesDir = Path.of("rules");

    @Option(names = "--pan-key-file", description = "File holding the secret key (32 bytes or more) that turns a clear card number arriving in a transaction into a token; read on each TaskManager. Without it such transactions go to the dead-letter topic.")
    public Path panKeyFile;

    @Option(names = "--profiles-file", description = "Avro container file of MerchantProfile loaded at start-up (optional).")
    public Path profilesFile;

    @Option(names = "--parallelism", description = "Job parallelism. Default: ${DEFAULT-VALUE}")
    public int parallelism = 2;

    @Option(names = "--checkpoint-interval", description = "Checkpoint interval in milliseconds; alerts are committed on checkpoints. Default: ${DEFAULT-VALUE}")
    public long checkpointIntervalMillis = 10_000;

    @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI, e.g. file:///var/lib/posmon/checkpoints or s3://bucket/posmon. Default: ${DEFAULT-VALUE}")
    public String checkpointDir = "file:///tmp/posmon/checkpoints";

    @Option(names = "--state-backend", description = "rocksdb or hashmap. Default: ${DEFAULT-VALUE}")
    public String stateBackend = "rocksdb";

    @Option(names = "--incremental-checkpoints", negatable = true, defaultValue = "true", fallbackValue = "true", description = "RocksDB checkpoints that upload only the files new since the last one. Their synchronous part flushes RocksDB's write buffers while records wait; a full checkpoint only takes a RocksDB snapshot then, and copies all state in the background. Default: ${DEFAULT-VALUE}")
    public boolean incrementalCheckpoints = true;

    @Option(names = "--managed-memory", description = "Flink managed memory of the in-process cluster (this JVM), which RocksDB uses for its block cache and write buffers; a Flink cluster sets its own (taskmanager.memory.managed.size). Default: ${DEFAULT-VALUE}")
    public String managedMemory = "1g";

    @Option(names = "--buffer-timeout", converter = io.posmon.cli.DurationText.class, defaultValue = "10ms", description = "Longest time a record waits in a network buffer that is not full before it is sent on (Flink's execution.buffer-timeout.interval; Flink's own default is 100 ms). Lower: lower alert latency when traffic is light. Default: ${DEFAULT-VALUE}")
    public java.time.Duration bufferTimeout = java.time.Duration.ofMillis(10);

    @Option(names = "--watermark-interval", converter = io.posmon.cli.DurationText.class, defaultValue = "20ms", description = "How often the sources emit a watermark (Flink's pipeline.auto-watermark-interval; Flink's own default is 200 ms). Pattern rules wait for the watermark, so their alerts wait up to this long. Default: ${DEFAULT-VALUE}")
    public java.time.Duration watermarkInterval = java.time.Duration.ofMillis(20);

    @Option(names = "--delivery", description = "EXACTLY_ONCE (outputs visible to read_committed consumers at each checkpoint), AT_LEAST_ONCE (lower latency; consumers dedupe on ids) or NONE. Default: ${DEFAULT-VALUE}")
    public DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;

    @Option(names = "--from-earliest", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Start from the earliest offsets when the group has none (else latest). Default: ${DEFAULT-VALUE}")
    public boolean fromEarliest = true;

    /** Read the transactions topic up to its end offsets at start and then finish (tests, replays). */
    public boolean bounded;

    /** Fail the job at the first error instead of restarting it (tests: a broken job must not hang them). */
    public boolean failFast;

    public JobSettings() {
    }

    /** The security settings of every Kafka client of the job, read from {@link #kafkaProperties} (none without it). */
    public KafkaClientSecurity kafkaSecurity() {
        return kafkaProperties == null ? KafkaClientSecurity.NONE : KafkaClientSecurity.fromFile(kafkaProperties);
    }
}
