package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** a*b vs c*d for non-negative longs, exact where the products overflow 64 bits. */
class WideMathTest {

    private static final long MAX = Long.MAX_VALUE;

    @Test
    void productsNearLongMaxCompareExactly() {
        assertThat(WideMath.compareProducts(MAX, MAX, MAX, MAX)).isZero();
        assertThat(WideMath.compareProducts(MAX, MAX, MAX, MAX - 1)).isPositive();
        assertThat(WideMath.compareProducts(MAX - 1, MAX, MAX, MAX)).isNegative();
        // 2^64 - 2 vs 2^64 - 4: equal high words, the low words compare unsigned.
        assertThat(WideMath.compareProducts(MAX, 2, MAX - 1, 2)).isPositive();
        // 2^64 vs 2^64 - 2: the high word decides.
        assertThat(WideMath.compareProducts(1L << 62, 4, MAX, 2)).isPositive();
        // Equal products from different factors.
        assertThat(WideMath.compareProducts(MAX, 6, 3 * 2, MAX)).isZero();
        assertThat(WideMath.compareProducts(0, MAX, MAX, 0)).isZero();
        assertThat(WideMath.compareProducts(0, 0, 1, 1)).isNegative();
    }

    @Test
    void agreesWithBigIntegerOnLargeValues() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            long a = near(random);
            long b = near(random);
            long c = random.nextBoolean() ? a : near(random);
            long d = random.nextBoolean() ? b + random.nextInt(-1, 2) : near(random);
            d = Math.max(0, d);
            int expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                    .compareTo(BigInteger.valueOf(c).multiply(BigInteger.valueOf(d)));
            assertThat(Integer.signum(WideMath.compareProducts(a, b, c, d)))
                    .as("%d*%d vs %d*%d", a, b, c, d).isEqualTo(expected);
        }
    }

    /** Mostly values near Long.MAX_VALUE and near powers of two, some small. */
    private static long near(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> MAX - random.nextLong(1_000);
            case 1 -> (1L << random.nextInt(63)) + random.nextLong(-1, 2) & MAX;
            default -> random.nextLong(1_000_000);
        };
    }
}
