package io.posmon.operators;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/** Business days and hours are local to the configured zone (Asia/Shanghai by default), never UTC. */
public final class BusinessCalendar implements Serializable {

    private static final long DAY_MILLIS = 86_400_000L;
    private static final long HOUR_MILLIS = 3_600_000L;

    private final String zoneId;
    private transient ZoneRules rules;

    public BusinessCalendar(ZoneId zone) {
        this.zoneId = zone.getId();
    }

    private long localMillis(long epochMillis) {
        if (rules == null) {
            rules = ZoneId.of(zoneId).getRules();
        }
        return epochMillis + rules.getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds() * 1000L;
    }

    /** The local business day as days since 1970-01-01. */
    public int businessDay(long epochMillis) {
        return (int) Math.floorDiv(localMillis(epochMillis), DAY_MILLIS);
    }

    /** The local hour of day, 0 to 23. */
    public int hourOfDay(long epochMillis) {
        return (int) (Math.floorMod(localMillis(epochMillis), DAY_MILLIS) / HOUR_MILLIS);
    }

    /** Local date and time, to the second, for summaries a person reads ("2026-11-24 09:29:11"). */
    public String localDateTime(long epochMillis) {
        return java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.of(zoneId)).withNano(0)
                .toString().replace('T', ' ');
    }

    /** First instant of a business day. */
    public long dayStart(int businessDay) {
        return LocalDate.ofEpochDay(businessDay).atStartOfDay(ZoneId.of(zoneId)).toInstant().toEpochMilli();
    }

    /** First instant of the local clock hour that contains the instant. */
    public long hourStart(long epochMillis) {
        long local = localMillis(epochMillis);
        return epochMillis - Math.floorMod(local, HOUR_MILLIS);
    }
}
