package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.MerchantScale;
import io.posmon.testing.Merchants;
import org.junit.jupiter.api.Test;

class ProfileCacheTest {

    @Test
    void keepsTheMostRecentlyUsedUpToItsCapacity() {
        ProfileCache cache = new ProfileCache(2);
        cache.put("A", Merchants.profile("A", "5311", MerchantScale.SMALL).build());
        cache.put("B", Merchants.profile("B", "5311", MerchantScale.SMALL).build());
        assertThat(cache.get("A")).isNotNull(); // A is now the most recently used
        cache.put("C", Merchants.profile("C", "5311", MerchantScale.SMALL).build());
        assertThat(cache.get("B")).as("the least recently used goes").isNull();
        assertThat(cache.get("A")).isNotNull();
        assertThat(cache.get("C")).isNotNull();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void anUpdateReplacesTheCachedProfile() {
        ProfileCache cache = new ProfileCache(10);
        cache.put("A", Merchants.profile("A", "5311", MerchantScale.SMALL).build());
        cache.put("A", Merchants.profile("A", "5311", MerchantScale.LARGE).build());
        assertThat(cache.get("A").getScale()).isEqualTo(MerchantScale.LARGE);
    }

    @Test
    void sizeZeroKeepsNothing() {
        ProfileCache cache = new ProfileCache(0);
        cache.put("A", Merchants.profile("A", "5311", MerchantScale.SMALL).build());
        assertThat(cache.get("A")).isNull();
        assertThat(cache.size()).isZero();
    }
}
