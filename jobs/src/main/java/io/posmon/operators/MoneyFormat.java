package io.posmon.operators;

import java.math.BigDecimal;
import java.util.Currency;

/** Minor units back to a readable amount for alert summaries ("51,234.56 CNY"). */
public final class MoneyFormat {

    private MoneyFormat() {
    }

    public static String format(long minor, String currencyCode) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currencyCode).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        return String.format("%,." + digits + "f %s", BigDecimal.valueOf(minor, digits), currencyCode);
    }

    /** observed / threshold in basis points, rounded down; null when there is no threshold. */
    public static Long ratioBps(long observed, long threshold) {
        if (threshold <= 0) {
            return null;
        }
        return BigDecimal.valueOf(observed).multiply(BigDecimal.valueOf(10_000))
                .divideToIntegralValue(BigDecimal.valueOf(threshold)).longValue();
    }
}
