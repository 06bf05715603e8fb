package io.posmon.operators;

import io.posmon.schema.MerchantProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used merchant profiles of one subtask, by merchant id (engine.yaml
 * profileCacheSize; 0 keeps none). Profiles are never changed in place: an update replaces one.
 */
final class ProfileCache {

    private final int capacity;
    private final LinkedHashMap<String, MerchantProfile> byMerchant;

    ProfileCache(int capacity) {
        this.capacity = capacity;
        this.byMerchant = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, MerchantProfile> eldest) {
                return size() > ProfileCache.this.capacity;
            }
        };
    }

    MerchantProfile get(String merchantId) {
        return capacity == 0 ? null : byMerchant.get(merchantId);
    }

    void put(String merchantId, MerchantProfile profile) {
        if (capacity > 0) {
            byMerchant.put(merchantId, profile);
        }
    }

    int size() {
        return byMerchant.size();
    }
}
