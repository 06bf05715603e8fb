package io.posmon.kafka;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker inside this JVM (Kafka's own test kit), on an ephemeral
 * port: what the demo and the integration tests run against. Data lives in a temporary directory
 * that is deleted on close.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The user the broker itself logs in as on a SASL listener. */
    private static final String BROKER_USER = "broker";

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafka start() throws Exception {
        return start(nodes(), Map.of());
    }

    /**
     * A broker whose client listener accepts only SASL/PLAIN logins of the given users (name to
     * password; no ACLs, so any of them may do anything). The broker logs in to its own listener as
     * a user of its own with a random password. The controller listener, which clients do not use,
     * stays PLAINTEXT inside this JVM. The users are set on the listener itself
     * ({@code listener.name.<listener>.plain.sasl.jaas.config}): no JAAS file, no system property.
     */
    public static EmbeddedKafka startWithSaslPlain(Map<String, String> users) throws Exception {
        Map<String, String> logins = new LinkedHashMap<>(users);
        if (logins.putIfAbsent(BROKER_USER, UUID.randomUUID().toString()) != null) {
            throw new IllegalArgumentException("'" + BROKER_USER + "' is the broker's own user");
        }
        StringBuilder jaas = new StringBuilder(PlainLoginModule.class.getName()).append(" required");
        jaas.append(" username=").append(quoted(BROKER_USER)).append(" password=").append(quoted(logins.get(BROKER_USER)));
        logins.forEach((user, password) -> jaas.append(" user_").append(user).append('=').append(quoted(password)));
        jaas.append(';');
        TestKitNodes nodes = nodes();
        String client = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        return start(nodes, Map.of(
                "listener.security.protocol.map", client + ":SASL_PLAINTEXT," + controller + ":PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name." + client.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString()));
    }

    private static String quoted(String value) {
        if (value.isEmpty() || value.contains("\"") || value.contains("\\")) {
            throw new IllegalArgumentException("user names and passwords of the test broker are non-empty, without quotes and backslashes");
        }
        return '"' + value + '"';
    }

    private static TestKitNodes nodes() throws Exception {
        return new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(Files.createTempDirectory("posmon-kafka-"))
                .build();
    }

    private static EmbeddedKafka start(TestKitNodes nodes, Map<String, String> securitySettings) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                // One broker: internal topics cannot have more replicas than that.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setDeleteOnClose(true);
        securitySettings.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        // Kafka's storage formatter prints to standard out; keep the demo's console for alerts.
        PrintStream console = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            cluster.format();
        } finally {
            System.setOut(console);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Stops the broker: its listener and every client connection close, and its group and
     * transaction coordinators unload. The KRaft controller of this node keeps running, and the
     * data stays on disk. What an outage test does (Kafka's own test framework restarts brokers
     * the same way).
     */
    public void stopBroker() {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
        }
    }

    /**
     * Starts the stopped broker again on the same port with the same log directories, and returns
     * once it leads every partition again (right after the restart its metadata names it leader a
     * moment before it leads). The port is free while the broker is stopped: if another process
     * took it meanwhile, this fails with the bind error.
     */
    public void startBroker() throws Exception {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.startup();
        }
        cluster.waitForReadyBrokers();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().values().forEach(t -> t.partitions().forEach(
                    info -> partitions.put(new TopicPartition(t.name(), info.partition()), OffsetSpec.latest())));
            // Answered by each partition's leader only: the admin client retries until it leads.
            admin.listOffsets(partitions).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
