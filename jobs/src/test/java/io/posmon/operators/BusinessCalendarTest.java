package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Business days and hours are local (Asia/Shanghai, UTC+8), never UTC. */
class BusinessCalendarTest {

    private static final BusinessCalendar SHANGHAI = new BusinessCalendar(ZoneId.of("Asia/Shanghai"));

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static int day(String isoDate) {
        return (int) LocalDate.parse(isoDate).toEpochDay();
    }

    @Test
    void theBusinessDayTurnsAtLocalMidnight() {
        assertThat(SHANGHAI.businessDay(ms("2026-11-23T15:59:59.999Z"))).isEqualTo(day("2026-11-23"));
        assertThat(SHANGHAI.businessDay(ms("2026-11-23T16:00:00Z"))).isEqualTo(day("2026-11-24"));
        // UTC midnight is 08:00 local: no change of business day there.
        assertThat(SHANGHAI.businessDay(ms("2026-11-22T23:59:59.999Z"))).isEqualTo(day("2026-11-23"));
        assertThat(SHANGHAI.businessDay(ms("2026-11-23T00:00:00Z"))).isEqualTo(day("2026-11-23"));
    }

    @Test
    void theHourOfDayIsLocal() {
        assertThat(SHANGHAI.hourOfDay(ms("2026-11-23T15:59:59.999Z"))).isEqualTo(23);
        assertThat(SHANGHAI.hourOfDay(ms("2026-11-23T16:00:00Z"))).isZero();
        assertThat(SHANGHAI.hourOfDay(ms("2026-11-23T00:00:00Z"))).isEqualTo(8);
    }

    @Test
    void dayStartAndHourStartAreLocalBoundaries() {
        assertThat(SHANGHAI.dayStart(day("2026-11-24"))).isEqualTo(ms("2026-11-23T16:00:00Z"));
        assertThat(SHANGHAI.hourStart(ms("2026-11-23T07:59:59.999Z"))).isEqualTo(ms("2026-11-23T07:00:00Z"));
        assertThat(SHANGHAI.hourStart(ms("2026-11-23T08:00:00Z"))).isEqualTo(ms("2026-11-23T08:00:00Z"));
    }

    @Test
    void beforeTheEpochDaysRoundDown() {
        assertThat(SHANGHAI.businessDay(ms("1969-12-31T15:59:59.999Z"))).isEqualTo(day("1969-12-31"));
        assertThat(SHANGHAI.hourOfDay(ms("1969-12-31T15:59:59.999Z"))).isEqualTo(23);
    }

    @Test
    void halfHourZonesStartHoursOnTheLocalHour() {
        // Asia/Kolkata is UTC+5:30: local 10:15 is 04:45Z and its hour began at 04:30Z.
        BusinessCalendar kolkata = new BusinessCalendar(ZoneId.of("Asia/Kolkata"));
        assertThat(kolkata.hourStart(ms("2026-11-23T04:45:00Z"))).isEqualTo(ms("2026-11-23T04:30:00Z"));
        assertThat(kolkata.hourOfDay(ms("2026-11-23T04:45:00Z"))).isEqualTo(10);
        assertThat(kolkata.businessDay(ms("2026-11-23T18:29:59.999Z"))).isEqualTo(day("2026-11-23"));
        assertThat(kolkata.businessDay(ms("2026-11-23T18:30:00Z"))).isEqualTo(day("2026-11-24"));
    }

    @Test
    void daylightSavingTimeShiftsTheLocalDay() {
        // China kept summer time (UTC+9) in 1988: local midnight was 15:00Z.
        assertThat(SHANGHAI.businessDay(ms("1988-07-01T14:59:59.999Z"))).isEqualTo(day("1988-07-01"));
        assertThat(SHANGHAI.businessDay(ms("1988-07-01T15:00:00Z"))).isEqualTo(day("1988-07-02"));
        assertThat(SHANGHAI.dayStart(day("1988-07-02"))).isEqualTo(ms("1988-07-01T15:00:00Z"));
    }

    /**
     * The calendar remembers the offset between two transitions of the zone: on instants in any order,
     * at and around each transition, it gives what the zone's rules give at every call.
     */
    @Test
    void theRememberedOffsetIsTheZonesAtEveryInstant() {
        java.util.Random random = new java.util.Random(5);
        for (String id : new String[] {"Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"}) {
            ZoneId zone = ZoneId.of(id);
            BusinessCalendar calendar = new BusinessCalendar(zone);
            java.util.List<Long> instants = new java.util.ArrayList<>();
            var t = zone.getRules().nextTransition(Instant.parse("1985-01-01T00:00:00Z"));
            for (int i = 0; i < 40 && t != null; i++, t = zone.getRules().nextTransition(t.getInstant())) {
                long at = t.getInstant().toEpochMilli();
                instants.addAll(java.util.List.of(at - 1, at, at + 1));
            }
            for (int i = 0; i < 2_000; i++) {
                instants.add(ms("1985-01-01T00:00:00Z") + (long) (random.nextDouble() * 50L * 365 * 86_400_000L));
            }
            java.util.Collections.shuffle(instants.subList(0, instants.size() / 2), random);
            for (long at : instants) {
                var local = Instant.ofEpochMilli(at).atZone(zone).toLocalDateTime();
                assertThat(calendar.businessDay(at)).as("%s at %d", id, at).isEqualTo((int) local.toLocalDate().toEpochDay());
                assertThat(calendar.hourOfDay(at)).as("%s at %d", id, at).isEqualTo(local.getHour());
            }
        }
    }

    /** Day starts are remembered by day: days that share a place, in any order, each get their own start. */
    @Test
    void rememberedDayStartsAreTheZonesForEveryDay() {
        java.util.Random random = new java.util.Random(7);
        for (String id : new String[] {"Asia/Shanghai", "Europe/Berlin", "America/New_York"}) {
            ZoneId zone = ZoneId.of(id);
            BusinessCalendar calendar = new BusinessCalendar(zone);
            int first = day("1987-01-01");
            for (int i = 0; i < 5_000; i++) {
                // Days 64 apart (the same place) and nearby days, around the zones' changes of offset.
                int d = first + random.nextInt(20) * 64 + random.nextInt(3) + (random.nextBoolean() ? 0 : 14_500);
                assertThat(calendar.dayStart(d)).as("%s %s", id, LocalDate.ofEpochDay(d))
                        .isEqualTo(LocalDate.ofEpochDay(d).atStartOfDay(zone).toInstant().toEpochMilli());
            }
        }
    }
}
