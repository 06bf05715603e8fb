package io.posmon.jobs;

import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.rules.snapshot.RuleSetPublisher;
import io.posmon.rules.snapshot.RuleSnapshots;
import io.posmon.schema.AlertStage;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleChange;
import io.posmon.schema.RuleInForce;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.schema.RuleSetStatus;
import io.posmon.schema.SettlementAccountType;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules changed in a running job (issue 4, section 5): the job on the MiniCluster and the
 * in-process broker, rule sets published to its rules topic between phases of one business day.
 *
 * <ol>
 *   <li>v1, the shipped rules: three large round amounts alert, two do not.</li>
 *   <li>v2: large-round-amounts edited to two sales, personal-settlement-account removed, a new
 *       authored rule added. From then on two round amounts alert under the edited rule's new
 *       version, the new rule alerts, the removed one does not; the unchanged daily limit keeps
 *       the day's running sum from before the change.</li>
 *   <li>A broken rule set is rejected with file, line and reason; v2 stays in force.</li>
 *   <li>v3 puts personal-settlement-account back: its state was cleared on removal, so it raises again.</li>
 * </ol>
 */
class LiveRulesKafkaTest extends KafkaAndFlinkTest {

    private static final String DAY = "2026-11-23T";
    private static final String LUCKY_RULE = """
            rules:
              - id: lucky-sevens
                kind: AUTHORED_PATTERN
                severity: LOW
                action: REVIEW
                description: Two sales of exactly 777.00 at one merchant within an hour
                params:
                  candidates: "tx.amountMinor == 77700"
                  within: 60m
                  steps:
                    - name: seven
                      when: "true"
                      times: 2
            """;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void ruleChangesTakeEffectInTheRunningJob(@TempDir Path tmp) throws Exception {
        Path v1 = copyOfShippedRules(tmp.resolve("v1"));
        Path v2 = copyOfShippedRules(tmp.resolve("v2"));
        edit(v2.resolve("merchant-risk.yaml"), text -> withoutPersonalSettlement(text.replace("minCount: 3\n", "minCount: 2\n")));
        Files.writeString(v2.resolve("lucky.yaml"), LUCKY_RULE);
        Path broken = copyOfShippedRules(tmp.resolve("broken"));
        edit(broken.resolve("merchant-risk.yaml"), text -> text.replace("minCount: 3\n", "minCount: three\n"));
        Path v3 = copyOfShippedRules(tmp.resolve("v3"));
        edit(v3.resolve("merchant-risk.yaml"), text -> text.replace("minCount: 3\n", "minCount: 2\n"));
        Files.writeString(v3.resolve("lucky.yaml"), LUCKY_RULE);

        JobSettings s = jobSettings(tmp, false, 2);
        s.rulesDir = v1;
        List<MerchantProfile> profiles = new ArrayList<>(List.of(
                Merchants.profile("A", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("B", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("C", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("D", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("N", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("N2", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("L", "5812", MerchantScale.SMALL).build(),
                Merchants.profile("P", "5944", MerchantScale.MEDIUM)
                        .setSettlementAccountType(SettlementAccountType.PERSONAL).build()));
        for (int i = 0; i < 8; i++) {
            profiles.add(Merchants.profile("F" + i, "5411", MerchantScale.LARGE).build());
        }
        publish(s, profiles, List.of());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(2);
        PosmonJob.onKafka(s, true, false).build(env);
        var job = env.executeAsync("live-rules");
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(s.bootstrapServers)) {
            // Phase 1 under v1.
            send(producer, s, List.of(
                    credit("A1", "A", DAY + "10:00:00", 800_000), credit("A2", "A", DAY + "10:05:00", 800_000),
                    credit("A3", "A", DAY + "10:10:00", 800_000),
                    credit("B1", "B", DAY + "10:00:00", 800_000), credit("B2", "B", DAY + "10:05:00", 800_000),
                    credit("N1", "N", DAY + "10:00:00", 77_700), credit("N2", "N", DAY + "10:05:00", 77_700),
                    credit("L1", "L", DAY + "10:00:00", 4_000_000),
                    credit("P1", "P", DAY + "10:00:00", 10_000)), "10:30:00");
            awaitAlerts(s, a -> a.stream().anyMatch(x -> x.getMerchant().getMerchantId().equals("A")));

            RuleSetStatus second = publishAndAwait(s, v2);
            assertThat(second.getAccepted()).isTrue();
            assertThat(second.getSequence()).isEqualTo(1);
            Map<String, RuleChange> changes = second.getRules().stream()
                    .collect(Collectors.toMap(RuleInForce::getRuleId, RuleInForce::getChange));
            assertThat(changes).containsEntry("large-round-amounts", RuleChange.EDITED)
                    .containsEntry("lucky-sevens", RuleChange.ADDED)
                    .containsEntry("personal-settlement-account", RuleChange.REMOVED)
                    .containsEntry("daily-credit-limit", RuleChange.UNCHANGED);

            // Phase 2 under v2.
            send(producer, s, List.of(
                    credit("C1", "C", DAY + "11:00:00", 800_000), credit("C2", "C", DAY + "11:05:00", 800_000),
                    credit("N21", "N2", DAY + "11:00:00", 77_700), credit("N22", "N2", DAY + "11:05:00", 77_700),
                    credit("L2", "L", DAY + "11:00:00", 1_000_001),
                    credit("P2", "P", DAY + "11:00:00", 10_000)), "11:30:00");
            awaitAlerts(s, a -> a.stream().anyMatch(x -> x.getRuleId().equals("lucky-sevens")));

            // A broken rule set: rejected as a whole, v2 stays.
            RuleSetStatus rejected = publishAndAwait(s, broken);
            assertThat(rejected.getAccepted()).isFalse();
            assertThat(rejected.getSequence()).isEqualTo(1);
            int line = lineOf(broken.resolve("merchant-risk.yaml"), "minCount: three");
            assertThat(rejected.getProblems()).anySatisfy(p -> assertThat(p).startsWith("merchant-risk.yaml:" + line + ":"));

            RuleSetStatus third = publishAndAwait(s, v3);
            assertThat(third.getAccepted()).isTrue();
            assertThat(third.getSequence()).isEqualTo(2);

            // Phase 3 under v3.
            send(producer, s, List.of(
                    credit("D1", "D", DAY + "12:00:00", 800_000), credit("D2", "D", DAY + "12:05:00", 800_000),
                    credit("P3", "P", DAY + "12:00:00", 10_000)), "12:30:00");
            awaitAlerts(s, a -> a.stream().anyMatch(x -> x.getMerchant().getMerchantId().equals("D"))
                    && a.stream().filter(x -> x.getRuleId().equals("personal-settlement-account")).count() == 2);
        } finally {
            job.cancel().get();
        }

        Map<String, String> v1Versions = versions(v1);
        Map<String, String> v2Versions = versions(v2);
        Map<String, String> v3Versions = versions(v3);
        assertThat(v2Versions.get("large-round-amounts")).isNotEqualTo(v1Versions.get("large-round-amounts"));
        List<MerchantAlert> alerts = AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class);
        Map<String, List<String>> byMerchant = alerts.stream().collect(Collectors.groupingBy(
                a -> a.getMerchant().getMerchantId(),
                Collectors.mapping(a -> a.getRuleId() + "@" + a.getRuleVersion() + " " + a.getStage(), Collectors.toList())));
        assertThat(byMerchant).containsOnlyKeys("A", "C", "D", "N2", "L", "P");
        assertThat(byMerchant.get("A")).containsExactly("large-round-amounts@" + v1Versions.get("large-round-amounts") + " TRIGGERED");
        assertThat(byMerchant.get("C")).containsExactly("large-round-amounts@" + v2Versions.get("large-round-amounts") + " TRIGGERED");
        // Unchanged from v2 to v3: the same version.
        assertThat(byMerchant.get("D")).containsExactly("large-round-amounts@" + v3Versions.get("large-round-amounts") + " TRIGGERED");
        assertThat(v3Versions.get("large-round-amounts")).isEqualTo(v2Versions.get("large-round-amounts"));
        assertThat(byMerchant.get("N2")).containsExactly("lucky-sevens@" + v2Versions.get("lucky-sevens") + " TRIGGERED");
        // The daily limit did not change: 40,000.00 before the change and 10,000.01 after exceed 50,000.00 together.
        String limit = "daily-credit-limit@" + v1Versions.get("daily-credit-limit");
        assertThat(byMerchant.get("L")).filteredOn(a -> a.startsWith("daily-credit-limit@"))
                .containsExactly(limit + " " + AlertStage.EARLY_WARNING, limit + " TRIGGERED");
        // Raised under v1; nothing while removed; raised again under v3 because its state was cleared.
        String personal = "personal-settlement-account@" + v1Versions.get("personal-settlement-account") + " TRIGGERED";
        assertThat(byMerchant.get("P")).containsExactly(personal, personal);
    }

    private static Path copyOfShippedRules(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Path.of("../rules"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static void edit(Path file, java.util.function.UnaryOperator<String> change) throws Exception {
        String before = Files.readString(file, StandardCharsets.UTF_8);
        String after = change.apply(before);
        assertThat(after).as("edit of " + file).isNotEqualTo(before);
        Files.writeString(file, after, StandardCharsets.UTF_8);
    }

    /** The rule and the examples (which name it) go. */
    private static String withoutPersonalSettlement(String text) {
        int rule = text.indexOf("  - id: personal-settlement-account");
        int end = text.indexOf("params: {}", rule) + "params: {}".length();
        String withoutRule = text.substring(0, rule) + text.substring(end + 1);
        return withoutRule.substring(0, withoutRule.indexOf("\nexamples:") + 1);
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    private static Map<String, String> versions(Path dir) throws Exception {
        var compiled = RuleSnapshots.compile(RuleSnapshots.fromDirectory(dir, "test"));
        assertThat(compiled.problems()).isEmpty();
        return compiled.rules().rules().stream().collect(Collectors.toMap(r -> r.id(), r -> r.version()));
    }

    /**
     * The transactions, then one small debit sale per filler merchant at {@code clock}: both
     * partitions move event time past the phase, so the pattern operator sees it whole.
     */
    private static void send(KafkaProducer<byte[], byte[]> producer, JobSettings s, List<PosTransaction> txs, String clock)
            throws Exception {
        List<PosTransaction> all = new ArrayList<>(txs);
        for (int i = 0; i < 8; i++) {
            all.add(debit("clock-" + clock + "-" + i, "F" + i, DAY + clock, 10_000));
        }
        AvroKafka.sendTransactions(producer, s.transactionsTopic, all);
    }

    /** Publishes the directory as it is, valid or not, and waits for the job's decision on it. */
    private static RuleSetStatus publishAndAwait(JobSettings s, Path dir) throws Exception {
        RuleSetSnapshot snapshot = RuleSnapshots.fromDirectory(dir, "LiveRulesKafkaTest");
        RuleSetPublisher.publish(s.bootstrapServers, s.rulesTopic, snapshot);
        while (true) {
            for (RuleSetStatus status : AvroKafka.readAll(s.bootstrapServers, s.ruleStatusTopic, RuleSetStatus.class)) {
                if (status.getVersion().equals(snapshot.getVersion())) {
                    return status;
                }
            }
            Thread.sleep(300);
        }
    }

    private static void awaitAlerts(JobSettings s, Predicate<List<MerchantAlert>> done) throws InterruptedException {
        while (!done.test(AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class))) {
            Thread.sleep(300);
        }
    }
}
