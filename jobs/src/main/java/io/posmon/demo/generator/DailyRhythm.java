package io.posmon.demo.generator;

import java.util.Arrays;

/** How a kind of business spreads its day's sales over the local clock hours. */
enum DailyRhythm {
    MEALS(1, 1, 0, 0, 0, 1, 3, 6, 6, 3, 4, 12, 16, 10, 4, 3, 4, 9, 14, 13, 8, 5, 3, 2),
    GROCERY(1, 0, 0, 0, 0, 1, 3, 7, 9, 8, 7, 7, 7, 6, 5, 5, 7, 10, 11, 10, 8, 5, 3, 2),
    SHOPPING(1, 0, 0, 0, 0, 0, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 9, 9, 10, 11, 11, 9, 5, 2),
    OFFICE(0, 0, 0, 0, 0, 0, 1, 2, 6, 10, 11, 11, 8, 9, 10, 10, 9, 7, 4, 2, 1, 1, 0, 0),
    ALL_DAY(2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 6, 5, 4, 3);

    private final double[] shares;

    DailyRhythm(int... hourWeights) {
        double weightSum = Arrays.stream(hourWeights).sum();
        shares = Arrays.stream(hourWeights).mapToDouble(w -> w / weightSum).toArray();
    }

    /** Fraction of the day's sales made in this local clock hour (0-23). */
    double share(int hour) {
        return shares[hour];
    }
}
