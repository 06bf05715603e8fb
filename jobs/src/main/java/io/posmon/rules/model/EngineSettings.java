package io.posmon.rules.model;

import java.time.Duration;
import java.time.ZoneId;

/** The {@code engine:} section of rules/engine.yaml: how the engine reads time and input. */
public record EngineSettings(
        ZoneId timeZone,
        Duration maxOutOfOrderness,
        Duration allowedLateness,
        Duration sourceIdleTimeout,
        Duration dedupeHorizon,
        Integer evidenceLimit,
        Duration maxEventTimeAhead,
        Long maxAmountMinor,
        Integer profileCacheSize,
        Integer stateCacheKeys,
        Integer stateCacheWriteWindow) {
}
