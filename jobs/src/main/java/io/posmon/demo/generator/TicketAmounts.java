package io.posmon.demo.generator;

import java.util.SplittableRandom;

/** Draws sale amounts in fen. */
final class TicketAmounts {
    private static final long LARGE_MINOR = 5_000_00;
    private static final long ROUND_MINOR = 1_000_00;

    private TicketAmounts() {
    }

    /**
     * A normal ticket between lo and hi fen, log-uniform (small tickets are more common), a
     * quarter of them whole yuan like shelf prices; never a large multiple of 1,000.00, which
     * is the cash-out sign the large-round-amount rule looks for.
     */
    static long normal(SplittableRandom rng, long loMinor, long hiMinor) {
        double logLo = Math.log(loMinor);
        long amount = Math.round(Math.exp(logLo + rng.nextDouble() * (Math.log(hiMinor) - logLo)));
        if (rng.nextInt(4) == 0) {
            amount = Math.max(100, amount / 100 * 100);
        }
        return amount >= LARGE_MINOR && amount % ROUND_MINOR == 0 ? amount + 100 : amount;
    }

    /** Uniform in [lo, hi] fen. */
    static long uniform(SplittableRandom rng, long loMinor, long hiMinor) {
        return loMinor + rng.nextLong(hiMinor - loMinor + 1);
    }
}
