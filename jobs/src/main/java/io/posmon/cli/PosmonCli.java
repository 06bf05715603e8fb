package io.posmon.cli;

import io.posmon.demo.Demo;
import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.PosmonJob;
import io.posmon.jobs.RuleExampleRunner;
import io.posmon.kafka.KafkaAccessException;
import io.posmon.kafka.KafkaClientSecurity;
import io.posmon.kafka.Topics;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.jobs.JobSettings;
import io.posmon.rules.parser.RuleFileException;
import io.posmon.rules.parser.RuleProblem;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.rules.snapshot.RuleSetPublisher;
import io.posmon.rules.snapshot.RuleSnapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code posmon} command line. */
@Command(name = "posmon", mixinStandardHelpOptions = true, version = "posmon 0.1.0",
        description = "Streaming POS transaction monitoring for card acquirers, on Apache Flink.",
        subcommands = {PosmonCli.DemoCommand.class, PosmonCli.RunCommand.class, PosmonCli.RulesCommand.class,
                PosmonCli.BacktestCommand.class, io.posmon.bench.BenchCommand.class})
public final class PosmonCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with posmon's converters and error reports. */
    public static CommandLine commandLine() {
        return new CommandLine(new PosmonCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof RuleFileException r) {
                        cmd.getErr().println("The rules have problems; nothing was started:");
                        r.problems().forEach(p -> cmd.getErr().println("  " + p));
                        return 2;
                    }
                    if (e instanceof KafkaAccessException k) {
                        cmd.getErr().println("posmon: " + k.getMessage());
                        return 3;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Runs the merchant risk job on an in-process Kafka broker and Flink MiniCluster, "
                    + "with synthetic traffic, and prints alerts as they arrive.")
    static final class DemoCommand implements Callable<Integer> {
        @Option(names = "--duration", converter = DurationText.class, defaultValue = "60s", description = "How long to feed traffic (e.g. 60s, 5m). Default: ${DEFAULT-VALUE}")
        Duration duration;

        @Option(names = "--rate", defaultValue = "400", description = "Transactions per second. Default: ${DEFAULT-VALUE}")
        double rate;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the traffic generator. Default: ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--merchants", defaultValue = "2000", description = "Number of merchants. Default: ${DEFAULT-VALUE}")
        int merchants;

        @Option(names = "--rules", defaultValue = "rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
        Path rules;

        @Option(names = "--checkpoint-interval", defaultValue = "2000",
                description = "Checkpoint interval in ms; alerts appear when their checkpoint commits. Default: ${DEFAULT-VALUE}")
        long checkpointInterval;

        @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism. Default: ${DEFAULT-VALUE}")
        int parallelism;

        @Override
        public Integer call() throws Exception {
            var result = new Demo(new Demo.Options(duration, rate, seed, merchants, rules, checkpointInterval, parallelism),
                    System.out).run();
            return result.jobRanToEnd() ? 0 : 1;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a job against an external Kafka.",
            subcommands = {MerchantRiskCommand.class, ContributionsCommand.class, AllCommand.class})
    static final class RunCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** Runs the job with the chosen pipelines in a local Flink runtime in this JVM. */
    abstract static class PipelineCommand implements Callable<Integer> {
        @Mixin
        JobSettings settings = new JobSettings();

        abstract boolean risk();

        abstract boolean contributions();

        @Override
        public Integer call() throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(settings));
            PosmonJob.onKafka(settings, risk(), contributions()).build(env);
            env.execute("posmon");
            return 0;
        }
    }

    @Command(name = "merchant-risk", mixinStandardHelpOptions = true,
            description = "The merchant risk pipeline (alerts) on an external Kafka, in a local Flink runtime in this JVM.")
    static final class MerchantRiskCommand extends PipelineCommand {
        @Override
        boolean risk() {
            return true;
        }

        @Override
        boolean contributions() {
            return false;
        }
    }

    @Command(name = "contributions", mixinStandardHelpOptions = true,
            description = "The contribution pipeline (customer and merchant contributions, tier changes) on an external Kafka.")
    static final class ContributionsCommand extends PipelineCommand {
        @Override
        boolean risk() {
            return false;
        }

        @Override
        boolean contributions() {
            return true;
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = "Both pipelines in one job: one read of Kafka, one decode, one per-merchant operator.")
    static final class AllCommand extends PipelineCommand {
        @Override
        boolean risk() {
            return true;
        }

        @Override
        boolean contributions() {
            return true;
        }
    }

    @Command(name = "backtest", mixinStandardHelpOptions = true,
            description = "Replays history through the same job graph (bounded, in this JVM): alerts.jsonl and report.md.")
    static final class BacktestCommand implements Callable<Integer> {
        @Option(names = "--transactions", required = true, description = "PosTransaction records: .csv (header of field names), .jsonl or .avro")
        Path transactions;

        @Option(names = "--merchants", required = true, description = "MerchantProfile records: .csv, .jsonl or .avro")
        Path merchants;

        @Option(names = "--rules", defaultValue = "rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
        Path rules;

        @Option(names = "--baseline-rules", description = "A second rules directory to compare with (alerts added and removed per rule)")
        Path baselineRules;

        @Option(names = "--out", required = true, description = "Output directory")
        Path out;

        @Override
        public Integer call() throws Exception {
            var compiled = RuleCompiler.compile(RuleSetLoader.load(rules));
            var baseline = baselineRules == null ? null : RuleCompiler.compile(RuleSetLoader.load(baselineRules));
            var result = new io.posmon.backtest.Backtest(System.out).run(compiled, baseline, transactions, merchants, out);
            System.out.printf("%d alerts%s, %d rows skipped: %s, %s%n", result.alerts().size(),
                    baseline == null ? "" : " (baseline " + result.baselineAlerts().size() + ")", result.badRows().size(),
                    out.resolve("alerts.jsonl"), out.resolve("report.md"));
            return 0;
        }
    }

    @Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with rule files.",
            subcommands = {ValidateCommand.class, TestCommand.class, PublishCommand.class})
    static final class RulesCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Runs the examples in the rule files through the real job and compares the alerts.")
    static final class TestCommand implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
        Path dir;

        @Override
        public Integer call() throws Exception {
            var ruleSet = RuleSetLoader.load(dir);
            var runner = new RuleExampleRunner(RuleCompiler.compile(ruleSet));
            int passed = 0;
            int failed = 0;
            for (var example : ruleSet.examples()) {
                var outcome = runner.run(example);
                System.out.println((outcome.passed() ? "PASS  " : "FAIL  ") + example.name());
                outcome.missing().forEach(m -> System.out.println("      missing:    " + m));
                outcome.unexpected().forEach(u -> System.out.println("      unexpected: " + u));
                if (outcome.passed()) {
                    passed++;
                } else {
                    failed++;
                }
            }
            System.out.printf("%d passed, %d failed%n", passed, failed);
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Validates a rules directory and publishes it to the rules topic: running jobs put it in "
                    + "force within seconds, without a restart, and report on the rule-status topic.")
    static final class PublishCommand implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
        Path dir;

        @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}")
        String bootstrap;

        @Option(names = "--rules-topic", defaultValue = "posmon.rules", description = "Rules topic the jobs read. Default: ${DEFAULT-VALUE}")
        String topic;

        @Option(names = "--kafka-properties", paramLabel = "FILE", defaultValue = "${env:POSMON_KAFKA_PROPERTIES}",
                description = "Kafka client security settings, as for posmon run (see its --help). "
                        + "Default: the file named by POSMON_KAFKA_PROPERTIES, else none (PLAINTEXT).")
        Path kafkaProperties;

        @Override
        public Integer call() throws Exception {
            var snapshot = RuleSnapshots.fromDirectory(dir, RuleSetPublisher.publisher("posmon rules publish"));
            var compiled = RuleSnapshots.compile(snapshot);
            if (!compiled.valid()) {
                compiled.problems().forEach(p -> System.out.println(dir + "/" + p));
                System.out.printf("%d problem(s): nothing published%n", compiled.problems().size());
                return 1;
            }
            var security = kafkaProperties == null ? KafkaClientSecurity.NONE : KafkaClientSecurity.fromFile(kafkaProperties);
            Topics.requireAccess(bootstrap, security, List.of(topic));
            var at = RuleSetPublisher.publish(bootstrap, security, topic, snapshot);
            System.out.printf("Published rule set %s (%d rules, %d files) to %s at offset %d.%n", snapshot.getVersion(),
                    compiled.rules().rules().size(), snapshot.getFiles().size(), topic, at.offset());
            System.out.println("Running jobs report what they did with it on their rule-status topic (posmon.rule-status).");
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks a rules directory without starting Flink: prints file:line:column: message per problem.")
    static final class ValidateCommand implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "rules", description = "Rules directory. Default: ${DEFAULT-VALUE}")
        Path dir;

        @Override
        public Integer call() {
            List<RuleProblem> problems = new ArrayList<>();
            var ruleSet = RuleSetLoader.load(dir, problems);
            problems.forEach(System.out::println);
            if (problems.isEmpty()) {
                System.out.printf("%s: %d rules, no problems%n", dir, ruleSet.rules().size());
                return 0;
            }
            System.out.printf("%d problem(s)%n", problems.size());
            return 1;
        }
    }
}
