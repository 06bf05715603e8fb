package io.posmon.operators.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class StringPoolTest {

    @Test
    void anEqualStringGetsTheFirstCopy() {
        StringPool pool = new StringPool(16);
        String first = new String("CNY");
        String second = new String("CNY");
        assertNotSame(first, second);
        assertSame(first, pool.canonical(first));
        assertSame(first, pool.canonical(second));
    }

    @Test
    void aCollisionReplacesTheSlotAndNeverChangesAValue() {
        StringPool pool = new StringPool(2); // two slots: most strings collide
        for (int i = 0; i < 1_000; i++) {
            String s = "merchant-" + (i % 37);
            assertEquals(s, pool.canonical(new String(s)));
        }
        // "Aa" and "BB" share a hash code, so a slot: the later takes it, each stays itself.
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals("Aa", pool.canonical("Aa"));
        assertEquals("BB", pool.canonical("BB"));
        String aa = new String("Aa");
        assertSame(aa, pool.canonical(aa));
    }

    @Test
    void nullStaysNull() {
        assertNull(StringPool.CODES.canonical(null));
    }
}
