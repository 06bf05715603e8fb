package io.posmon.operators;

import java.util.ArrayList;
import java.util.List;

/** The merchant's last few approved sales, shared by the keyed checks as alert evidence. */
@org.apache.flink.api.common.typeinfo.TypeInfo(MerchantStateSerialization.RecentTransactionsType.class)
public class RecentTransactions {
    public List<EvidenceItem> items = new ArrayList<>();

    public RecentTransactions() {
    }

    void add(EvidenceItem item, int limit) {
        if (items.size() >= limit) {
            items.remove(0);
        }
        items.add(item);
    }
}
