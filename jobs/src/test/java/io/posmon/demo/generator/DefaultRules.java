package io.posmon.demo.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.posmon.schema.MerchantScale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The default rule parameters, read straight from the repository's rule files so the generator's
 * own copy of them is checked, not trusted. Amounts in fen. Paths are relative to the jobs
 * module, Maven's working directory for tests.
 */
final class DefaultRules {
    private static final Path RULES = Path.of("../rules");

    record Window(String name, BigDecimal ratio, long minAmountMinor, long minCount) {
    }

    record Peer(long amountMinor, long count) {
    }

    private final JsonNode mccGroups;
    private final JsonNode dailyLimit;
    private final JsonNode volumeJump;
    private final JsonNode roundAmounts;
    private final JsonNode suspended;
    final ZoneId zone;

    private DefaultRules() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try {
            mccGroups = yaml.readTree(RULES.resolve("mcc-groups.yaml").toFile()).path("mccGroups");
            JsonNode rules = yaml.readTree(RULES.resolve("merchant-risk.yaml").toFile()).path("rules");
            dailyLimit = params(rules, "DAILY_CREDIT_LIMIT");
            volumeJump = params(rules, "VOLUME_JUMP");
            roundAmounts = params(rules, "LARGE_ROUND_AMOUNTS");
            suspended = params(rules, "SUSPENDED_MERCHANT_ACTIVITY");
            zone = ZoneId.of(yaml.readTree(RULES.resolve("engine.yaml").toFile()).path("engine").path("timeZone").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DefaultRules load() {
        return new DefaultRules();
    }

    String groupOf(String mcc) {
        int code = Integer.parseInt(mcc);
        for (Map.Entry<String, JsonNode> group : mccGroups.path("groups").properties()) {
            for (JsonNode entry : group.getValue()) {
                String[] range = entry.asText().split("-");
                int low = Integer.parseInt(range[0]);
                int high = Integer.parseInt(range[range.length - 1]);
                if (code >= low && code <= high) {
                    return group.getKey();
                }
            }
        }
        return mccGroups.path("fallback").asText();
    }

    long dailyCreditLimitMinor(String group, MerchantScale scale) {
        return minor(dailyLimit.path("limits").path(group).path(scale.name()));
    }

    List<Window> volumeWindows() {
        List<Window> windows = new ArrayList<>();
        for (JsonNode w : volumeJump.path("windows")) {
            windows.add(new Window(w.path("window").asText(), w.path("ratio").decimalValue(),
                    minor(w.path("minAmount")), w.path("minCount").asLong()));
        }
        return windows;
    }

    Peer peerDay(String group, MerchantScale scale) {
        JsonNode peer = volumeJump.path("peerBaseline").path("daily").path(group).path(scale.name());
        return new Peer(minor(peer.path("amount")), peer.path("count").asLong());
    }

    int activeHoursPerDay() {
        return volumeJump.path("peerBaseline").path("activeHoursPerDay").asInt();
    }

    int roundMinCount() {
        return roundAmounts.path("minCount").asInt();
    }

    Duration roundWithin() {
        return duration(roundAmounts.path("within").asText());
    }

    long roundMinAmountMinor() {
        return minor(roundAmounts.path("minAmount"));
    }

    long roundMultipleOfMinor() {
        return minor(roundAmounts.path("multipleOf"));
    }

    List<String> roundCardTypes() {
        return texts(roundAmounts.path("cardTypes"));
    }

    List<String> stoppedStatuses() {
        return texts(suspended.path("statuses"));
    }

    private static JsonNode params(JsonNode rules, String kind) {
        return StreamSupport.stream(rules.spliterator(), false)
                .filter(rule -> rule.path("kind").asText().equals(kind))
                .findFirst().orElseThrow(() -> new IllegalStateException("no rule of kind " + kind))
                .path("params");
    }

    private static long minor(JsonNode yuan) {
        return new BigDecimal(yuan.asText()).movePointRight(2).longValueExact();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported duration " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
