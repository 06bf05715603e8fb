package io.posmon.kafka;

import io.posmon.jobs.JobSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the job's topics with the settings they need, and checks at start that the job can reach them. */
public final class Topics {

    private Topics() {
    }

    /**
     * Profiles and contributions are compacted (latest per key); every other topic keeps its records forever
     * here ({@code retention.ms=-1}), because replayed or back-dated records would otherwise be
     * deleted at once under time-based retention (their timestamps are old).
     */
    public static void createTopics(String bootstrap, JobSettings s, int partitions) throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(s.transactionsTopic, partitions, (short) 1).configs(keep));
        topics.add(new NewTopic(s.profilesTopic, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        topics.add(new NewTopic(s.alertsTopic, partitions, (short) 1).configs(keep));
        topics.add(new NewTopic(s.deadLetterTopic, 1, (short) 1).configs(keep));
        topics.add(new NewTopic(s.lateTopic, 1, (short) 1).configs(keep));
        topics.add(new NewTopic(s.contributionsTopic, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        topics.add(new NewTopic(s.tierChangesTopic, partitions, (short) 1).configs(keep));
        topics.add(new NewTopic(s.lateContributionsTopic, 1, (short) 1).configs(keep));
        // One partition: rule sets are applied in the order they were published.
        topics.add(new NewTopic(s.rulesTopic, 1, (short) 1).configs(keep));
        topics.add(new NewTopic(s.ruleStatusTopic, 1, (short) 1).configs(keep));
        if (s.holdingsTopic != null) {
            topics.add(new NewTopic(s.holdingsTopic, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        }
        create(bootstrap, s.kafkaSecurity(), topics);
    }

    public static void create(String bootstrap, KafkaClientSecurity security, List<NewTopic> topics) throws Exception {
        try (Admin admin = Admin.create(security.clientProperties(bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** How long the start-up check waits for Kafka's answer (an unreachable broker is retried until then). */
    static final int CHECK_TIMEOUT_MS = 30_000;

    /**
     * Checks, before a job is built, that Kafka accepts the client settings and that the topics
     * exist. A running job's Kafka clients would fail on a wrong password or a missing topic too,
     * but inside Flink, where the restart strategy starts them again and again; here it is one
     * error at start that says what is wrong.
     *
     * @throws KafkaAccessException authentication failed, no right to describe a topic, a topic
     *                              missing, or no answer within {@link #CHECK_TIMEOUT_MS}
     */
    public static void requireAccess(String bootstrap, KafkaClientSecurity security, Collection<String> topics) {
        List<String> missing = new ArrayList<>();
        try (Admin admin = Admin.create(security.clientProperties(bootstrap))) {
            Map<String, KafkaFuture<TopicDescription>> described = admin
                    .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(CHECK_TIMEOUT_MS)).topicNameValues();
            for (var topic : described.entrySet()) {
                try {
                    topic.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw refused(bootstrap, security, e.getCause());
                    }
                    missing.add(topic.getKey());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while checking Kafka at " + bootstrap, e);
        }
        if (!missing.isEmpty()) {
            throw new KafkaAccessException("Kafka at " + bootstrap + " has no topic " + String.join(", ", missing)
                    + ": create the topics first", null);
        }
    }

    private static KafkaAccessException refused(String bootstrap, KafkaClientSecurity security, Throwable cause) {
        String what;
        if (cause instanceof AuthenticationException) {
            what = "authentication failed: Kafka refused the credentials";
        } else if (cause instanceof AuthorizationException) {
            what = "not authorized to describe the job's topics";
        } else if (cause instanceof TimeoutException) {
            what = "no answer within " + CHECK_TIMEOUT_MS / 1000 + " s (wrong address, or the broker expects another security.protocol?)";
        } else {
            what = "the check of the job's topics failed";
        }
        return new KafkaAccessException("Kafka at " + bootstrap + ": " + what + " (" + cause.getMessage()
                + "); client settings: " + security, cause);
    }
}
