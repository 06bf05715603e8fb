package io.posmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.kafka.AvroKafka;
import io.posmon.kafka.EmbeddedKafka;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The tools the compose stack runs beside the jobs: topic creation and the traffic generator. */
class ClusterToolsKafkaTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void createsTheTopicsThenFeedsProfilesAndTransactionsUpToThePresent() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            assertThat(new CommandLine(new ClusterTools())
                    .execute("create-topics", "--bootstrap", bootstrap, "--partitions", "3")).isZero();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                var topics = admin.describeTopics(List.of("posmon.transactions", "posmon.rules")).allTopicNames().get();
                assertThat(topics.get("posmon.transactions").partitions()).hasSize(3);
                assertThat(topics.get("posmon.rules").partitions()).hasSize(1);
                var profiles = new ConfigResource(ConfigResource.Type.TOPIC, "posmon.merchant-profiles");
                assertThat(admin.describeConfigs(List.of(profiles)).all().get().get(profiles)
                        .get("cleanup.policy").value()).isEqualTo("compact");
            }

            Instant started = Instant.now();
            // 20 merchants at 2,000/s: a simulated day passes in well under a second of wall time.
            assertThat(new CommandLine(new ClusterTools()).execute("generate", "--bootstrap", bootstrap,
                    "--merchants", "20", "--rate", "2000", "--days-back", "1")).isZero();

            assertThat(AvroKafka.readAll(bootstrap, "posmon.merchant-profiles", MerchantProfile.class)).hasSize(20);
            List<PosTransaction> tx = AvroKafka.readAll(bootstrap, "posmon.transactions", PosTransaction.class);
            assertThat(tx).isNotEmpty();
            // Up to the present, never beyond it: the job refuses event times too far ahead.
            assertThat(tx).allSatisfy(t -> assertThat(t.getEventTime()).isBeforeOrEqualTo(started.plusSeconds(60)));
        }
    }
}
