package io.posmon.demo;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.jobs.FlinkSetup;
import io.posmon.jobs.PosmonJob;
import io.posmon.jobs.JobSettings;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.EmbeddedKafka;
import io.posmon.kafka.Topics;
import io.posmon.metrics.InJvmMetrics;
import io.posmon.metrics.MetricsSummary;
import io.posmon.schema.AlertKind;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code posmon demo}: a real Kafka broker and a Flink MiniCluster in this JVM, synthetic acquiring
 * traffic with planted cases for every rule, the merchant risk job, and the alerts as the desk sees them.
 */
public final class Demo {

    /** What the demo is asked to do. */
    public record Options(Duration duration, double rate, long seed, int merchants, Path rulesDir,
                          long checkpointIntervalMillis, int parallelism) {
    }

    /** What the demo saw: every alert, the kinds among them, and normal merchants that were alerted (should be none). */
    public record Result(boolean jobRanToEnd, List<MerchantAlert> alerts, Set<AlertKind> kinds,
                         Set<String> normalMerchantsAlerted, long transactionsSent) {
    }

    private final Options options;
    private final PrintStream out;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the demo for its duration and prints a summary. */
    public Result run() throws Exception {
        JobSettings s = new JobSettings();
        s.rulesDir = options.rulesDir();
        s.parallelism = options.parallelism();
        s.checkpointIntervalMillis = options.checkpointIntervalMillis();
        Path work = Files.createTempDirectory("posmon-demo-");
        s.checkpointDir = work.resolve("checkpoints").toUri().toString();
        s.profilesFile = work.resolve("merchant-profiles.avro");

        // Refuse bad rules before starting anything.
        io.posmon.rules.parser.RuleSetLoader.load(s.rulesDir);
        out.println("posmon demo: starting an in-process Kafka broker ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(kafka.bootstrapServers())) {
            s.bootstrapServers = kafka.bootstrapServers();
            Topics.createTopics(s.bootstrapServers, s, 2);
            PosmonJob job = PosmonJob.onKafka(s, true, true);
            ZoneId zone = job.rules().engine().zone();

            GeneratorSettings defaults = GeneratorSettings.defaults();
            GeneratorSettings gs = new GeneratorSettings(options.seed(), options.merchants(), defaults.cards(),
                    options.rate(), defaults.simulatedStart(),
                    GeneratorSettings.realisticSpeed(options.rate(), options.merchants()), zone);
            TrafficGenerator generator = new TrafficGenerator(gs);
            List<MerchantProfile> profiles = generator.merchantProfiles();
            ProfileFiles.write(s.profilesFile, profiles);
            AvroKafka.send(producer, s.profilesTopic, profiles, MerchantProfile::getMerchantId);

            int port = freePort();
            Configuration conf = FlinkSetup.configuration(s);
            conf.set(RestOptions.PORT, port);
            // The same figures a deployment sends to Prometheus, kept in this JVM for the console.
            InJvmMetrics.enable(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            job.build(env);
            JobClient client = env.executeAsync("posmon (demo)");

            out.printf("Kafka %s | Flink web UI http://localhost:%d | %d rules | %d merchants, %.0f tx/s, "
                            + "simulated clock x%.0f from %s%n",
                    s.bootstrapServers, port, job.rules().rules().size(), profiles.size(), gs.ratePerSecond(),
                    gs.speed(), gs.simulatedStart().atZone(zone).toLocalDateTime());
            out.println("Alerts (event time, severity, kind, summary), as committed to " + s.alertsTopic
                    + "; contributions go to " + s.contributionsTopic + ":");

            AlertConsole console = new AlertConsole(s.bootstrapServers, s.alertsTopic, out, zone);
            ContributionConsole crm = new ContributionConsole(s.bootstrapServers, s.contributionsTopic,
                    s.tierChangesTopic, out);
            Thread crmThread = new Thread(crm, "contribution-console");
            crmThread.start();
            TrafficFeeder feeder = new TrafficFeeder(generator, producer, s.transactionsTopic);
            Thread consoleThread = new Thread(console, "alert-console");
            Thread feederThread = new Thread(feeder, "traffic-feeder");
            consoleThread.start();
            feederThread.start();
            RuleStatusConsole ruleStatus = new RuleStatusConsole(s.bootstrapServers, s.ruleStatusTopic, out);
            Thread ruleStatusThread = new Thread(ruleStatus, "rule-status-console");
            ruleStatusThread.start();
            RulesWatcher watcher = new RulesWatcher(s.rulesDir, producer, s.rulesTopic, out);
            Thread watcherThread = new Thread(watcher, "rules-watcher");
            watcherThread.start();
            out.println("Watching " + s.rulesDir + ": save a rule file and the running job takes the change within seconds.");

            long end = System.nanoTime() + options.duration().toNanos();
            boolean failed = false;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (client.getJobStatus().get().isGloballyTerminalState()) {
                    failed = true;
                    break;
                }
                var status = client.getJobStatus().get();
                out.printf("  ... %,d transactions sent, simulated time %s, %d alerts so far%s%n", feeder.sent(),
                        feeder.simulatedNow().atZone(zone).toLocalTime().withNano(0), console.received().size(),
                        status == org.apache.flink.api.common.JobStatus.RUNNING ? "" : " (job " + status + ", see jobs/target/logs/posmon.log)");
                out.printf("      CRM: %,d contribution records, %d tier changes; %s%n", crm.records(), crm.tierChanges(),
                        crm.topCustomersOfTheDay(3));
                out.println("      " + MetricsSummary.line(InJvmMetrics.all()));
            }
            feeder.stop();
            feederThread.join();
            // Alerts are committed with checkpoints: wait for two more before reading the last ones.
            Thread.sleep(2 * options.checkpointIntervalMillis() + 2_000);
            console.stop();
            consoleThread.join();
            watcher.stop();
            watcherThread.join();
            ruleStatus.stop();
            ruleStatusThread.join();
            crm.stop();
            crmThread.join();
            String finalMetrics = MetricsSummary.line(InJvmMetrics.all());
            if (!failed) {
                client.cancel().get();
            }
            out.printf("%nCRM view: %,d contribution records committed to %s, %d tier changes (tiers move at month ends); %s%n",
                    crm.records(), s.contributionsTopic, crm.tierChanges(), crm.topCustomersOfTheDay(5));
            out.println("Flink " + finalMetrics);
            return summary(!failed, console.received(), generator, s, feeder.sent());
        } finally {
            org.apache.flink.util.FileUtils.deleteDirectory(work.toFile());
        }
    }

    private Result summary(boolean ok, List<MerchantAlert> alerts, TrafficGenerator generator, JobSettings s,
                           long sent) {
        out.println();
        out.printf("Summary: %,d transactions sent, %d alerts%n", sent, alerts.size());
        AlertConsole.perRule(alerts).forEach((rule, n) -> out.printf("  %-40s %5d%n", rule, n));
        Set<AlertKind> kinds = EnumSet.noneOf(AlertKind.class);
        alerts.forEach(a -> kinds.add(a.getKind()));
        out.printf("  kinds of alert seen: %d %s%n", kinds.size(), kinds);
        Set<String> normal = generator.normalMerchantIds();
        Set<String> normalAlerted = new TreeSet<>();
        alerts.stream().map(a -> a.getMerchant().getMerchantId()).filter(normal::contains).forEach(normalAlerted::add);
        out.printf("  normal merchants alerted: %d%s%n", normalAlerted.size(),
                normalAlerted.isEmpty() ? "" : " " + normalAlerted);
        out.printf("  dead letters: %d, late transactions: %d%n",
                AvroKafka.readAll(s.bootstrapServers, s.deadLetterTopic, DeadLetter.class).size(),
                AvroKafka.readAll(s.bootstrapServers, s.lateTopic, PosTransaction.class).size());
        return new Result(ok, alerts, kinds, normalAlerted, sent);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
