package io.posmon.rules.parser;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Jackson mappers for rule files: strict YAML in, canonical JSON out (for rule versions). */
public final class RuleYamlMapper {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private RuleYamlMapper() {
    }

    static YAMLMapper yaml() {
        return YAMLMapper.builder(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                // "minCount: 2.5" must be an error, not 2.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(timeModule())
                .build();
    }

    /** Sorted, compact JSON: the same rule always hashes to the same version. */
    public static ObjectMapper canonicalJson() {
        return JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .addModule(new SimpleModule()
                        .addSerializer(Duration.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                        .addSerializer(ZoneId.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer()))
                .build();
    }

    private static SimpleModule timeModule() {
        SimpleModule module = new SimpleModule("posmon-rule-time");
        module.addDeserializer(Duration.class, new DurationDeserializer());
        module.addDeserializer(ZoneId.class, new ZoneIdDeserializer());
        module.addDeserializer(LocalDateTime.class, new LocalDateTimeDeserializer());
        return module;
    }

    /** Accepts "500ms", "30s", "10m", "2h", "7d" or ISO-8601 ("PT30S"). */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (write e.g. 500ms, 30s, 10m, 2h, 7d)");
        }
    }

    private static final class DurationDeserializer extends FromStringDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        protected Duration _deserialize(String value, DeserializationContext ctxt) {
            return parseDuration(value);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isNumeric()) {
                throw ctxt.weirdStringException(p.getText(), Duration.class,
                        "a duration needs a unit (write e.g. 30s, 10m, 2h, 7d)");
            }
            return super.deserialize(p, ctxt);
        }
    }

    /** Local date and time as rule examples write it: 2026-11-23T11:00:00 or 2026-11-23 11:00:00. */
    private static final class LocalDateTimeDeserializer extends FromStringDeserializer<LocalDateTime> {
        LocalDateTimeDeserializer() {
            super(LocalDateTime.class);
        }

        @Override
        protected LocalDateTime _deserialize(String value, DeserializationContext ctxt) {
            try {
                return LocalDateTime.parse(value.trim().replace(' ', 'T'));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + value + "' is not a local date and time (write e.g. 2026-11-23 11:00:00)");
            }
        }
    }

    private static final class ZoneIdDeserializer extends FromStringDeserializer<ZoneId> {
        ZoneIdDeserializer() {
            super(ZoneId.class);
        }

        @Override
        protected ZoneId _deserialize(String value, DeserializationContext ctxt) {
            try {
                return ZoneId.of(value.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + value + "' is not a time zone (write e.g. Asia/Shanghai)");
            }
        }
    }
}
