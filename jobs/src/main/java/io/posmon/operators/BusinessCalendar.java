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
    private transient ZoneId zone;
    private transient ZoneRules rules;
    /**
     * The offset between two transitions of the zone, remembered: nearly every event falls in the
     * same span as the one before, and the zone's rules search their transitions at each call.
     */
    private transient long spanStart = Long.MAX_VALUE;
    private transient long spanEnd = Long.MIN_VALUE;
    private transient long spanOffsetMillis;

    public BusinessCalendar(ZoneId zone) {
        this.zoneId = zone.getId();
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(zoneId);
            rules = zone.getRules();
        }
        return zone;
    }

    private long localMillis(long epochMillis) {
        if (epochMillis < spanStart || epochMillis >= spanEnd) {
            zone();
            Instant at = Instant.ofEpochMilli(epochMillis);
            var previous = rules.previousTransition(at.plusMillis(1));
            var next = rules.nextTransition(at);
            spanStart = previous == null ? Long.MIN_VALUE : previous.getInstant().toEpochMilli();
            spanEnd = next == null ? Long.MAX_VALUE : next.getInstant().toEpochMilli();
            spanOffsetMillis = rules.getOffset(at).getTotalSeconds() * 1000L;
        }
        return epochMillis + spanOffsetMillis;
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
        return java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), zone()).withNano(0)
                .toString().replace('T', ' ');
    }

    /**
     * First instants of recent business days, by day modulo their number: the contribution operators
     * ask for a day's start at every event and emission (its closing time), and the zone's rules
     * search their transitions at each call.
     */
    private transient int[] startDays;
    private transient long[] starts;
    private static final int REMEMBERED_DAYS = 64;

    /** First instant of a business day. */
    public long dayStart(int businessDay) {
        if (starts == null) {
            startDays = new int[REMEMBERED_DAYS];
            starts = new long[REMEMBERED_DAYS];
            java.util.Arrays.fill(startDays, Integer.MIN_VALUE);
        }
        int slot = Math.floorMod(businessDay, REMEMBERED_DAYS);
        if (startDays[slot] != businessDay) {
            starts[slot] = LocalDate.ofEpochDay(businessDay).atStartOfDay(zone()).toInstant().toEpochMilli();
            startDays[slot] = businessDay;
        }
        return starts[slot];
    }

    /** First instant of the local clock hour that contains the instant. */
    public long hourStart(long epochMillis) {
        long local = localMillis(epochMillis);
        return epochMillis - Math.floorMod(local, HOUR_MILLIS);
    }
}
