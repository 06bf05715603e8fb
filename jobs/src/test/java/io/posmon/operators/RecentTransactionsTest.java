package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.CardType;
import io.posmon.schema.TransactionType;
import io.posmon.testing.Tx;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evidence ring at its ends: the limit, a removal, a change of limit, ids that do not fit a slot. */
class RecentTransactionsTest {

    private static List<String> ids(RecentTransactions r) {
        return r.asList().stream().map(e -> e.transactionId).toList();
    }

    private static RecentTransactions of(int limit, String... ids) {
        RecentTransactions r = new RecentTransactions();
        int minute = 0;
        for (String id : ids) {
            r.add(Tx.credit(id, "M1", String.format("2026-11-23T10:%02d:00", minute++), 100), limit);
        }
        return r;
    }

    @Test
    void keepsTheLastLimitItemsOldestFirst() {
        assertThat(ids(of(3, "a", "b"))).containsExactly("a", "b");
        assertThat(ids(of(3, "a", "b", "c"))).containsExactly("a", "b", "c");
        assertThat(ids(of(3, "a", "b", "c", "d", "e"))).containsExactly("c", "d", "e");
        assertThat(ids(of(1, "a", "b"))).containsExactly("b");
    }

    @Test
    void anItemReadsBackEveryField() {
        RecentTransactions r = new RecentTransactions();
        r.add(Tx.credit("T-1", "M1", "2026-11-23T10:00:00", 800_000), 10);
        EvidenceItem e = r.get(0);
        assertThat(e).usingRecursiveComparison()
                .isEqualTo(EvidenceItem.of(Tx.credit("T-1", "M1", "2026-11-23T10:00:00", 800_000)));
        assertThat(e.cardType).isEqualTo(CardType.CREDIT);
        assertThat(e.type).isEqualTo(TransactionType.SALE);
        assertThat(e.maskedPan).isNotEmpty();
    }

    @Test
    void removingAnIdKeepsTheOthersInOrderAndTheRingGoesOn() {
        RecentTransactions r = of(3, "a", "b", "c", "d"); // b c d, the ring wrapped
        assertThat(r.remove("c")).isTrue();
        assertThat(ids(r)).containsExactly("b", "d");
        assertThat(r.remove("zz")).isFalse();
        r.add(Tx.credit("e", "M1", "2026-11-23T11:00:00", 1), 3);
        r.add(Tx.credit("f", "M1", "2026-11-23T11:01:00", 1), 3);
        assertThat(ids(r)).containsExactly("d", "e", "f");
    }

    @Test
    void aNewLimitKeepsTheNewestItems() {
        RecentTransactions r = of(5, "a", "b", "c", "d");
        r.add(Tx.credit("e", "M1", "2026-11-23T11:00:00", 1), 2);
        assertThat(ids(r)).containsExactly("d", "e");
        r.add(Tx.credit("f", "M1", "2026-11-23T11:01:00", 1), 4);
        assertThat(ids(r)).containsExactly("d", "e", "f");
    }

    @Test
    void idsThatDoNotFitASlotAreKeptWhole() {
        String longId = "T".repeat(RecentTransactions.TEXT_WIDTH);
        String chinese = "支付-42";
        String latin1 = "caf\u00e9-1";
        RecentTransactions r = of(4, longId, chinese, latin1, "short");
        assertThat(ids(r)).containsExactly(longId, chinese, latin1, "short");
        EvidenceItem none = new EvidenceItem(); // id and PAN null
        r.add(none, 4);
        assertThat(r.get(3).transactionId).isNull();
        assertThat(r.get(3).maskedPan).isNull();
        // A wide slot written again with a short id is short again.
        r.add(Tx.credit("x", "M1", "2026-11-23T12:00:00", 1), 4);
        r.add(Tx.credit("y", "M1", "2026-11-23T12:01:00", 1), 4);
        assertThat(ids(r)).containsExactly("short", null, "x", "y");
    }
}
