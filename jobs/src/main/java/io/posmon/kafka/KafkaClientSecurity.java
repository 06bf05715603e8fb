package io.posmon.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * How posmon's Kafka clients reach a secured cluster: {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*} and Kafka's config providers ({@code config.providers*}), read from a Java properties
 * file ({@code --kafka-properties}) and added unchanged to every client posmon creates: the job's
 * sources and sinks, the admin client that creates and checks topics, and the producers of
 * {@code rules publish}, the demo and the tests.
 *
 * <p>Secrets stay out of the file, the command line and the rules: the file refers to them with
 * {@code ${env:NAME}} or {@code ${file:PATH:KEY}}, which Kafka's {@code EnvVarConfigProvider} and
 * {@code FileConfigProvider} resolve where each client is created (a TaskManager for the job's
 * sources and sinks). Only the references travel in the job graph; a secret written literally in
 * the file travels in it too (the Kafka connector keeps its client properties in the source and
 * sink objects). Other client settings are refused: posmon sets them itself, and some
 * ({@code isolation.level}, {@code enable.idempotence}, ...) carry its delivery guarantees.
 *
 * <p>{@link #toString()} shows only the values Kafka's own client definitions do not type as
 * passwords; anything else, {@code sasl.jaas.config} among them, is shown as {@code [hidden]}.
 */
public final class KafkaClientSecurity {

    /** No settings: PLAINTEXT, as Kafka's clients default to. */
    public static final KafkaClientSecurity NONE = new KafkaClientSecurity(Map.of(), "no Kafka client security settings");

    private static final Set<String> EXACT_KEYS = Set.of("security.protocol", "security.providers", "config.providers");
    private static final Set<String> PREFIXES = Set.of("sasl.", "ssl.", "config.providers.");
    private static final String HIDDEN = "[hidden]";

    private final Map<String, String> settings;
    private final String origin;

    private KafkaClientSecurity(Map<String, String> settings, String origin) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        this.origin = origin;
    }

    /** The settings of a properties file; a missing file or a setting that is not about security is an error. */
    public static KafkaClientSecurity fromFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka client properties file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka client properties file " + file, e);
        }
        Map<String, String> settings = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return of(settings, file.toString());
    }

    /** @param origin where the settings come from, for error messages */
    public static KafkaClientSecurity of(Map<String, String> settings, String origin) {
        var refused = settings.keySet().stream().filter(k -> !isSecuritySetting(k)).sorted().toList();
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + refused + (refused.size() == 1 ? " is not a" : " are not")
                    + " Kafka client security setting" + (refused.size() == 1 ? "" : "s")
                    + " (allowed: security.protocol, security.providers, sasl.*, ssl.*, config.providers*);"
                    + " posmon sets the other client settings itself");
        }
        return new KafkaClientSecurity(settings, origin);
    }

    public static boolean isSecuritySetting(String key) {
        return EXACT_KEYS.contains(key) || PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** Adds these settings to a client's properties (over any the caller set) and returns them. */
    public Properties addTo(Properties clientProperties) {
        clientProperties.putAll(settings);
        return clientProperties;
    }

    /** A client's properties with these settings and the bootstrap servers. */
    public Properties clientProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return addTo(p);
    }

    public Map<String, String> settings() {
        return settings;
    }

    public boolean isEmpty() {
        return settings.isEmpty();
    }

    /** The settings with every value that may be secret shown as [hidden]. */
    @Override
    public String toString() {
        if (settings.isEmpty()) {
            return origin;
        }
        return settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + (shownAsIs(e.getKey()) ? e.getValue() : HIDDEN))
                .collect(Collectors.joining(", ", origin + ": {", "}"));
    }

    /**
     * A value is shown if every client definition that knows the key types it as something other
     * than a password, or it names the config providers or their classes; keys Kafka's clients do
     * not define (a provider's parameters, say) may hold anything and are hidden.
     */
    private static boolean shownAsIs(String key) {
        if (key.equals("config.providers") || (key.startsWith("config.providers.") && key.endsWith(".class")
                && !key.contains(".param."))) {
            return true;
        }
        var definitions = Stream.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef())
                .map(ConfigDef::configKeys)
                .filter(keys -> keys.containsKey(key))
                .map(keys -> keys.get(key).type)
                .toList();
        return !definitions.isEmpty() && !definitions.contains(ConfigDef.Type.PASSWORD);
    }
}
