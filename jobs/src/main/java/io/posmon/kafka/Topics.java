package io.posmon.kafka;

import io.posmon.jobs.JobSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the job's topics with the settings they need. */
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
        create(bootstrap, topics);
    }

    public static void create(String bootstrap, List<NewTopic> topics) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
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
}
