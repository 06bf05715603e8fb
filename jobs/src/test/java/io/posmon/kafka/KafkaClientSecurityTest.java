package io.posmon.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.jobs.JobSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaClientSecurityTest {

    private static final String JAAS_WITH_ENV = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"posmon\" password=\"${env:%s}\";";

    @Test
    void theFileIsPassedThroughUnchangedWithItsReferencesAndAddedToEveryClientsProperties(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("kafka.properties");
        Files.writeString(file, """
                # SASL over TLS, the password from the environment
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="posmon" password="${env:POSMON_KAFKA_PASSWORD}";
                ssl.truststore.location=/etc/posmon/truststore.p12
                ssl.truststore.password=${file:/etc/posmon/secrets.properties:truststore}
                config.providers=env,file
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
                """, StandardCharsets.UTF_8);

        KafkaClientSecurity security = KafkaClientSecurity.fromFile(file);
        Properties client = new Properties();
        client.setProperty("isolation.level", "read_committed");
        security.addTo(client);

        assertThat(client).containsEntry("isolation.level", "read_committed")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"posmon\" password=\"${env:POSMON_KAFKA_PASSWORD}\";")
                .containsEntry("ssl.truststore.password", "${file:/etc/posmon/secrets.properties:truststore}")
                .containsEntry("config.providers", "env,file")
                .hasSize(9);
    }

    @Test
    void kafkaResolvesAnEnvironmentReferenceWhereTheClientIsCreated(@TempDir Path tmp) throws Exception {
        // Any variable this JVM has: the test must not depend on one being set for it.
        Map.Entry<String, String> variable = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Z_][A-Z0-9_]*") && !e.getValue().isEmpty()
                        && !e.getValue().contains("\"") && !e.getValue().contains("\\"))
                .findFirst().orElseThrow();
        Path file = tmp.resolve("kafka.properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "sasl.jaas.config=" + JAAS_WITH_ENV.formatted(variable.getKey())), StandardCharsets.UTF_8);

        Properties client = KafkaClientSecurity.fromFile(file).clientProperties("localhost:9092");
        AdminClientConfig config = new AdminClientConfig(client);

        assertThat(client.getProperty("sasl.jaas.config")).contains("${env:" + variable.getKey() + "}");
        assertThat(config.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value())
                .contains("password=\"" + variable.getValue() + "\"");
    }

    @Test
    void toStringHidesEveryValueThatMayBeSecret() {
        KafkaClientSecurity security = KafkaClientSecurity.of(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"posmon\" password=\"s3cret-jaas\";",
                "ssl.keystore.password", "s3cret-keystore",
                "ssl.key.password", "s3cret-key",
                "ssl.truststore.location", "/etc/posmon/truststore.p12",
                "config.providers", "vault",
                "config.providers.vault.class", "com.example.VaultConfigProvider",
                "config.providers.vault.param.token", "s3cret-token"), "kafka.properties");

        String shown = security.toString();

        assertThat(shown).doesNotContain("s3cret")
                .contains("security.protocol=SASL_SSL", "sasl.mechanism=PLAIN",
                        "ssl.truststore.location=/etc/posmon/truststore.p12", "config.providers=vault",
                        "config.providers.vault.class=com.example.VaultConfigProvider",
                        "sasl.jaas.config=[hidden]", "ssl.keystore.password=[hidden]", "ssl.key.password=[hidden]",
                        "config.providers.vault.param.token=[hidden]")
                .startsWith("kafka.properties: {");
    }

    @Test
    void settingsThatAreNotAboutSecurityAreRefused() {
        assertThatThrownBy(() -> KafkaClientSecurity.of(Map.of(
                "security.protocol", "SASL_SSL", "isolation.level", "read_uncommitted", "enable.idempotence", "false"),
                "/etc/posmon/kafka.properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("/etc/posmon/kafka.properties: [enable.idempotence, isolation.level] are not"
                        + " Kafka client security settings");
    }

    @Test
    void aMissingFileIsAClearError(@TempDir Path tmp) {
        assertThatThrownBy(() -> KafkaClientSecurity.fromFile(tmp.resolve("nope.properties")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.properties does not exist");
    }

    @Test
    void theOptionIsReadFromTheCommandLineAndWithoutItTheClientsArePlain(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\n", StandardCharsets.UTF_8);
        JobSettings given = new JobSettings();
        new CommandLine(given).parseArgs("--kafka-properties", file.toString());
        JobSettings none = new JobSettings();

        assertThat(given.kafkaSecurity().settings()).containsExactly(Map.entry("security.protocol", "SASL_PLAINTEXT"));
        assertThat(none.kafkaSecurity().isEmpty()).isTrue();
        assertThat(none.kafkaSecurity().clientProperties("localhost:9092"))
                .containsExactly(Map.entry("bootstrap.servers", "localhost:9092"));
    }
}
