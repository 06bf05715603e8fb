package io.posmon.operators;

import java.io.Serializable;
import java.time.ZoneId;

/** The engine policy in the form the operators carry (serializable, millis). */
public record EngineConfig(
        String timeZone,
        long maxOutOfOrdernessMillis,
        long allowedLatenessMillis,
        long sourceIdleTimeoutMillis,
        long dedupeHorizonMillis,
        int evidenceLimit,
        long maxEventTimeAheadMillis,
        long maxAmountMinor,
        int stateCacheKeys,
        int stateCacheWriteWindow) implements Serializable {

    public io.posmon.operators.state.KeyedStateCache.Limits stateCacheLimits() {
        return new io.posmon.operators.state.KeyedStateCache.Limits(stateCacheKeys, stateCacheWriteWindow);
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
