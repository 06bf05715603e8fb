package io.posmon.rules.model;

import java.math.BigDecimal;
import java.util.Currency;

/** Rule authors write major units ("5000.00" yuan); the engine counts exact minor units (fen). */
public final class MinorUnits {

    private MinorUnits() {
    }

    /** @throws ArithmeticException when the amount has more decimals than the currency or does not fit a long */
    public static long toMinor(BigDecimal major, String currencyCode) {
        int digits = Currency.getInstance(currencyCode).getDefaultFractionDigits();
        return major.movePointRight(Math.max(digits, 0)).longValueExact();
    }

    /** A ratio such as 3.0 in basis points (30000); at most 4 decimals. */
    public static long toBasisPoints(BigDecimal ratio) {
        return ratio.movePointRight(4).longValueExact();
    }
}
