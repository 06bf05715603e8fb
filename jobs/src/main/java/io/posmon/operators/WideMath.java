package io.posmon.operators;

/** Exact comparisons of products of minor-unit amounts, without overflow and without allocating. */
public final class WideMath {

    private WideMath() {
    }

    /** Compares a*b with c*d as 128-bit integers; all arguments must be non-negative. */
    public static int compareProducts(long a, long b, long c, long d) {
        long hi1 = Math.multiplyHigh(a, b);
        long lo1 = a * b;
        long hi2 = Math.multiplyHigh(c, d);
        long lo2 = c * d;
        if (hi1 != hi2) {
            return Long.compare(hi1, hi2);
        }
        return Long.compareUnsigned(lo1, lo2);
    }
}
