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
        /**
         * No longer read (2026-12-04): a merchant's profile is kept with its other state in the state
         * cache. Still accepted, so that a rule set in force in a savepoint of an older version,
         * which holds the key, compiles again when the savepoint is restored.
         */
        Integer profileCacheSize,
        Integer stateCacheKeys,
        Integer stateCacheWriteWindow) {
}
