package io.posmon.demo.generator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What the traffic generator produces and how fast.
 *
 * @param seed           everything the generator draws follows from it
 * @param merchants      number of merchants, planted ones included (at least 20)
 * @param cards          size of the card pool normal traffic draws from (at least 100)
 * @param ratePerSecond  average events per wall-clock second when driven in real time
 * @param simulatedStart simulated time of the first event
 * @param speed          simulated seconds per wall-clock second
 * @param zone           time zone of business days and of the merchants' daily rhythm
 */
public record GeneratorSettings(long seed, int merchants, int cards, double ratePerSecond,
                                Instant simulatedStart, double speed, ZoneId zone) {

    /** Average approved sales a merchant makes per simulated day at {@link #realisticSpeed}. */
    public static final int SALES_PER_MERCHANT_DAY = 60;

    public GeneratorSettings {
        Objects.requireNonNull(simulatedStart, "simulatedStart");
        Objects.requireNonNull(zone, "zone");
        if (merchants < 20 || merchants > 999_999) {
            throw new IllegalArgumentException("merchants must be 20..999999 (10 are planted cases): " + merchants);
        }
        if (cards < 100) {
            throw new IllegalArgumentException("cards must be at least 100: " + cards);
        }
        if (!(ratePerSecond > 0) || !(speed > 0)) {
            throw new IllegalArgumentException("ratePerSecond and speed must be positive");
        }
    }

    /**
     * Seed 42, 2,000 merchants, 50,000 cards, 400 events per wall second, starting two days ago at
     * 09:00 in Asia/Shanghai, at {@link #realisticSpeed} (288: a simulated day every 5 wall minutes).
     * Starting in the past leaves the simulated clock about 15 wall minutes before it runs more than
     * engine.yaml's maxEventTimeAhead (1 day) ahead of real time, when the job starts refusing it.
     */
    public static GeneratorSettings defaults() {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        Instant start = LocalDate.now(zone).minusDays(2).atTime(9, 0).atZone(zone).toInstant();
        return new GeneratorSettings(42, 2_000, 50_000, 400, start, realisticSpeed(400, 2_000), zone);
    }

    /**
     * The speed at which the wall-clock rate gives each merchant a realistic day of about
     * {@value #SALES_PER_MERCHANT_DAY} sales: ratePerSecond x 86400 / (merchants x 60).
     * A slower speed asks for more traffic per merchant than a normal day holds; the generator
     * then caps normal merchants below the rules' trigger levels and emits less than asked.
     */
    public static double realisticSpeed(double ratePerSecond, int merchants) {
        return ratePerSecond * 86_400 / (merchants * (double) SALES_PER_MERCHANT_DAY);
    }
}
