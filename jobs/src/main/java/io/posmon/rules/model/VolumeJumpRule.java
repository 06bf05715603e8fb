package io.posmon.rules.model;

import io.posmon.schema.AlertKind;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** A merchant's running day or hour volume against its own trailing baseline (or a peer table). */
public record VolumeJumpRule(
        String id, AlertKind kind, Severity severity, RecommendedAction action, String description,
        Params params) implements RuleDefinition {

    public enum Window { DAY, HOUR }

    public enum InsufficientHistory { PEER_TABLE, SKIP }

    public record Params(
            String currency,
            Integer baselineDays,
            Integer minHistoryDays,
            InsufficientHistory insufficientHistory,
            List<WindowCheck> windows,
            PeerBaseline peerBaseline) {
    }

    /** Trips when amount > ratio x baseline and >= minAmount, or count > ratio x baseline and >= minCount. */
    public record WindowCheck(Window window, BigDecimal ratio, BigDecimal minAmount, Integer minCount) {
    }

    public record PeerBaseline(Integer activeHoursPerDay, Map<String, Map<MerchantScale, PeerVolume>> daily) {
    }

    public record PeerVolume(BigDecimal amount, Long count) {
    }
}
