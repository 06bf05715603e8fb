package io.posmon.operators;

import io.posmon.schema.CardType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;

/**
 * The merchant's last few approved sales, shared by the keyed checks as alert evidence.
 *
 * <p>Kept as a ring of slots in primitive arrays, written in place: a transaction's id and masked
 * PAN are copied into the slot's bytes, not kept as strings. The state cache keeps this for every
 * merchant it holds, and every sale used to leave an item object and its two strings behind,
 * which lived until ten more sales of the merchant pushed them out: long enough to be copied by a
 * young collection and promoted (in the bench's heap histogram, the largest group of objects
 * after the strings themselves). Now a sale allocates nothing here. Items are built only when an
 * alert reads its evidence, and for the state serializer, whose layout did not change.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(MerchantStateSerialization.RecentTransactionsType.class)
public final class RecentTransactions {

    /** Bytes of a slot's text: a length byte and the id, a length byte and the masked PAN. */
    static final int TEXT_WIDTH = 64;
    private static final TransactionType[] TYPES = TransactionType.values();
    private static final CardType[] CARD_TYPES = CardType.values();

    private int first;
    private int count;
    private long[] eventTimes = new long[0];
    private long[] amounts = new long[0];
    /** Ordinals, -1 for none. */
    private byte[] types = new byte[0];
    private byte[] cardTypes = new byte[0];
    /** Pooled by the deserializers (StringPool.CODES): a reference, not a copy. */
    private String[] currencies = new String[0];
    private byte[] text = new byte[0];
    /** A slot's text starts with this instead of a length when its id and PAN are in the arrays below. */
    private static final byte WIDE = -1;
    /** A slot's id and PAN as strings when they do not fit its text (long, not Latin-1, null); else null. */
    private String[] wideIds;
    private String[] widePans;

    public RecentTransactions() {
    }

    public int size() {
        return count;
    }

    /** Adds the sale as the newest item, dropping the oldest beyond {@code limit}. */
    void add(PosTransaction tx, int limit) {
        put(nextSlot(limit), tx.getEventTime().toEpochMilli(), tx.getAmountMinor(), tx.getType(), tx.getCardType(),
                tx.getCurrency(), tx.getTransactionId(), tx.getMaskedPan());
    }

    /** Adds the item as the newest, dropping the oldest beyond {@code limit}. */
    public void add(EvidenceItem e, int limit) {
        put(nextSlot(limit), e.eventTime, e.amountMinor, e.type, e.cardType, e.currency, e.transactionId, e.maskedPan);
    }

    private void put(int slot, long eventTime, long amount, TransactionType type, CardType cardType, String currency,
                     String id, String pan) {
        eventTimes[slot] = eventTime;
        amounts[slot] = amount;
        types[slot] = ordinal(type);
        cardTypes[slot] = ordinal(cardType);
        currencies[slot] = currency;
        setText(slot, id, pan);
    }

    /** The i-th item, oldest first, as a new object. */
    public EvidenceItem get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i + " of " + count);
        }
        int slot = (first + i) % eventTimes.length;
        EvidenceItem e = new EvidenceItem();
        e.eventTime = eventTimes[slot];
        e.amountMinor = amounts[slot];
        e.type = types[slot] < 0 ? null : TYPES[types[slot]];
        e.cardType = cardTypes[slot] < 0 ? null : CARD_TYPES[cardTypes[slot]];
        e.currency = currencies[slot];
        int at = slot * TEXT_WIDTH;
        if (text[at] == WIDE) {
            e.transactionId = wideIds[slot];
            e.maskedPan = widePans[slot];
        } else {
            int idLength = text[at];
            e.transactionId = new String(text, at + 1, idLength, StandardCharsets.ISO_8859_1);
            int panAt = at + 1 + idLength;
            e.maskedPan = new String(text, panAt + 1, text[panAt], StandardCharsets.ISO_8859_1);
        }
        return e;
    }

    /** The items, oldest first, each built when it is read (by an alert's evidence). */
    public List<EvidenceItem> asList() {
        return new AbstractList<>() {
            @Override
            public EvidenceItem get(int i) {
                return RecentTransactions.this.get(i);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** Removes the items of the transaction (a voided or reversed sale); whether there were any. */
    boolean remove(String transactionId) {
        boolean removed = false;
        RecentTransactions rest = new RecentTransactions();
        for (int i = 0; i < count; i++) {
            EvidenceItem e = get(i);
            if (transactionId.equals(e.transactionId)) {
                removed = true;
            } else {
                rest.add(e, eventTimes.length);
            }
        }
        if (removed) {
            copyFrom(rest);
        }
        return removed;
    }

    /** A copy that shares nothing changeable with this one. */
    public RecentTransactions copy() {
        RecentTransactions r = new RecentTransactions();
        r.copyFrom(this);
        return r;
    }

    private void copyFrom(RecentTransactions from) {
        first = from.first;
        count = from.count;
        eventTimes = from.eventTimes.clone();
        amounts = from.amounts.clone();
        types = from.types.clone();
        cardTypes = from.cardTypes.clone();
        currencies = from.currencies.clone();
        text = from.text.clone();
        wideIds = from.wideIds == null ? null : from.wideIds.clone();
        widePans = from.widePans == null ? null : from.widePans.clone();
    }

    /** The slot for a new item: the ring is resized, oldest items dropped, when the limit changed. */
    private int nextSlot(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("evidence limit " + limit);
        }
        if (eventTimes.length != limit) {
            resize(limit);
        }
        int slot;
        if (count < limit) {
            slot = (first + count) % limit;
            count++;
        } else {
            slot = first;
            first = (first + 1) % limit;
        }
        return slot;
    }

    private void resize(int limit) {
        RecentTransactions r = new RecentTransactions();
        r.allocate(limit);
        for (int i = Math.max(0, count - limit); i < count; i++) {
            r.add(get(i), limit);
        }
        copyFrom(r);
    }

    private void allocate(int capacity) {
        eventTimes = new long[capacity];
        amounts = new long[capacity];
        types = new byte[capacity];
        cardTypes = new byte[capacity];
        currencies = new String[capacity];
        text = new byte[capacity * TEXT_WIDTH];
        first = 0;
        count = 0;
        wideIds = null;
        widePans = null;
    }

    private void setText(int slot, String id, String pan) {
        int at = slot * TEXT_WIDTH;
        if (id != null && pan != null && id.length() + pan.length() + 2 <= TEXT_WIDTH
                && latin1(id) && latin1(pan)) {
            text[at] = (byte) id.length();
            int panAt = putChars(id, at + 1);
            text[panAt] = (byte) pan.length();
            putChars(pan, panAt + 1);
            if (wideIds != null) {
                wideIds[slot] = null;
                widePans[slot] = null;
            }
        } else {
            text[at] = WIDE;
            if (wideIds == null) {
                wideIds = new String[eventTimes.length];
                widePans = new String[eventTimes.length];
            }
            wideIds[slot] = id;
            widePans[slot] = pan;
        }
    }

    private int putChars(String s, int at) {
        for (int i = 0; i < s.length(); i++) {
            text[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static byte ordinal(Enum<?> e) {
        return (byte) (e == null ? -1 : e.ordinal());
    }

    @Override
    public String toString() {
        return "RecentTransactions of " + count;
    }
}
