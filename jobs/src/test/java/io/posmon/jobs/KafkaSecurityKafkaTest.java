package io.posmon.jobs;

import static io.posmon.testing.Tx.credit;
import static io.posmon.testing.Tx.debit;
import static io.posmon.testing.Tx.declined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.posmon.cli.PosmonCli;
import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.EmbeddedKafka;
import io.posmon.kafka.KafkaAccessException;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.schema.SettlementAccountType;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Merchants;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job, its topic check and {@code rules publish} against a broker that takes only SASL/PLAIN
 * logins, with the credentials given the way an operator gives them: a {@code --kafka-properties}
 * file whose password is a {@code ${file:...}} reference resolved by Kafka's FileConfigProvider.
 */
class KafkaSecurityKafkaTest extends KafkaAndFlinkTest {

    private static final String USER = "posmon";
    /** Unique, so that finding it in the log means the log holds the secret. */
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    private static EmbeddedKafka secured;

    @BeforeAll
    static void startSecuredKafka() throws Exception {
        secured = EmbeddedKafka.startWithSaslPlain(Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopSecuredKafka() throws Exception {
        secured.close();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withTheRightCredentialsTheJobWritesExactlyTheExpectedAlerts(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(secured.bootstrapServers(), clientProperties(tmp, PASSWORD), tmp, true, 2);

        List<MerchantProfile> profiles = List.of(
                Merchants.profile("M2", "5944", MerchantScale.MEDIUM).build(),
                Merchants.profile("M3", "5311", MerchantScale.SMALL).setStatus(MerchantStatus.SUSPENDED).build(),
                Merchants.profile("M4", "5411", MerchantScale.MICRO)
                        .setSettlementAccountType(SettlementAccountType.PERSONAL).build(),
                Merchants.profile("M6", "5411", MerchantScale.SMALL).build());
        List<PosTransaction> txs = List.of(
                // Large round amounts: three within 60 minutes (M2-1, M2-3, M2-5), a debit and a near miss between.
                credit("M2-1", "M2", "2026-11-23T11:00:00", 800_000),
                credit("M2-2", "M2", "2026-11-23T11:05:00", 999_999),
                credit("M2-3", "M2", "2026-11-23T11:10:00", 1_000_000),
                debit("M2-4", "M2", "2026-11-23T11:12:00", 600_000),
                credit("M2-5", "M2", "2026-11-23T11:20:00", 600_000),
                // A suspended merchant still sending; the declined one is not activity.
                credit("M3-1", "M3", "2026-11-23T12:00:00", 12_345),
                declined("M3-2", "M3", "2026-11-23T12:01:00", 12_345),
                debit("M3-3", "M3", "2026-11-23T12:02:00", 54_321),
                credit("M4-1", "M4", "2026-11-23T09:00:00", 4_321),
                credit("M6-1", "M6", "2026-11-23T10:30:00", 8_888));
        publish(s, profiles, txs);
        runToEnd(s, true, false);

        List<MerchantAlert> alerts = AvroKafka.readAll(s.bootstrapServers, s.kafkaSecurity(), s.alertsTopic, MerchantAlert.class);
        assertThat(alerts.stream().map(MerchantRiskJobKafkaTest::describe).sorted().toList()).containsExactly(
                "large-round-amounts|M2|TRIGGERED|2026-11-23|2400000/null|3|[M2-1, M2-3, M2-5]",
                "personal-settlement-account|M4|TRIGGERED|null|null/null|null|[]",
                "suspended-merchant-activity|M3|TRIGGERED|2026-11-23|12345/null|1|[M3-1]",
                "suspended-merchant-activity|M3|TRIGGERED|2026-11-23|54321/null|1|[M3-3]");
        assertThat(AvroKafka.readAll(s.bootstrapServers, s.kafkaSecurity(), s.deadLetterTopic,
                io.posmon.schema.DeadLetter.class)).isEmpty();
        // The job logged its Kafka settings (PosmonJob), the clients theirs: never the password.
        assertThat(Files.readString(Path.of("target/test-logs/posmon-tests.log")))
                .contains("sasl.jaas.config=[hidden]")
                .doesNotContain(PASSWORD);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void withAWrongPasswordTheJobIsNotStartedAndTheErrorSaysAuthenticationFailed(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(secured.bootstrapServers(), clientProperties(tmp, PASSWORD), tmp, true, 2);
        s.kafkaProperties = clientProperties(tmp.resolve("wrong"), PASSWORD + "-wrong");

        Throwable refused = catchThrowable(() -> PosmonJob.onKafka(s, true, true));

        assertThat(refused).isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("authentication failed")
                .hasMessageContaining("sasl.jaas.config=[hidden]")
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(refused.getMessage()).doesNotContain(PASSWORD);
    }

    /**
     * Credentials that stop working once the job is built (a password rotated on the broker but not
     * in the secret file, say): the job's own clients fail, and the job with them, instead of
     * waiting forever. (Tests run without restarts; {@code posmon run} restarts with backoff.)
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void whenTheJobsClientsAreRefusedTheJobFailsWithTheAuthenticationError(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(secured.bootstrapServers(), clientProperties(tmp, PASSWORD), tmp, true, 2);
        publish(s, List.of(Merchants.profile("M6", "5411", MerchantScale.SMALL).build()),
                List.of(credit("M6-1", "M6", "2026-11-23T10:30:00", 8_888)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        PosmonJob.onKafka(s, true, false).build(env);
        // The job graph holds only the ${file:...} reference: the clients read the file when they start.
        writeSecret(tmp, PASSWORD + "-rotated");

        Throwable failed = catchThrowable(() -> env.execute("wrong credentials"));

        assertThat(failed).isNotNull();
        assertThat(ExceptionUtils.findThrowable(failed, SaslAuthenticationException.class))
                .as("the cause chain of %s", failed).isPresent();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void rulesPublishTakesTheSameSettings(@TempDir Path tmp) throws Exception {
        JobSettings s = jobSettings(secured.bootstrapServers(), clientProperties(tmp, PASSWORD), tmp, true, 1);

        assertThat(publishRules(s, s.kafkaProperties).exitCode()).isZero();
        assertThat(AvroKafka.readAll(s.bootstrapServers, s.kafkaSecurity(), s.rulesTopic, RuleSetSnapshot.class))
                .hasSize(1);

        CliRun wrong = publishRules(s, clientProperties(tmp.resolve("wrong"), PASSWORD + "-wrong"));
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.err()).contains("authentication failed").doesNotContain(PASSWORD);
        assertThat(AvroKafka.readAll(s.bootstrapServers, s.kafkaSecurity(), s.rulesTopic, RuleSetSnapshot.class))
                .hasSize(1);

    }

    private record CliRun(int exitCode, String err) {
    }

    private static CliRun publishRules(JobSettings s, Path kafkaProperties) {
        StringWriter err = new StringWriter();
        int code = PosmonCli.commandLine().setErr(new PrintWriter(err))
                .execute("rules", "publish", "--bootstrap", s.bootstrapServers, "--kafka-properties", kafkaProperties.toString(),
                        "--rules-topic", s.rulesTopic, "../rules");
        return new CliRun(code, err.toString());
    }

    /**
     * A client properties file as an operator writes it: SASL/PLAIN, the password taken from a
     * separate secret file by Kafka's FileConfigProvider.
     */
    private static Path clientProperties(Path dir, String password) throws Exception {
        Files.createDirectories(dir);
        Path secret = writeSecret(dir, password);
        Path file = dir.resolve("kafka-client.properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "config.providers=file",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\",
                "    username=\"" + USER + "\" password=\"${file:" + secret + ":password}\";",
                ""), StandardCharsets.UTF_8);
        return file;
    }

    private static Path writeSecret(Path dir, String password) throws Exception {
        Path secret = dir.resolve("kafka-secret.properties");
        Files.writeString(secret, "password=" + password + "\n", StandardCharsets.UTF_8);
        return secret;
    }
}
