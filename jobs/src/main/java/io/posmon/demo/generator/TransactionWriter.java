package io.posmon.demo.generator;

import io.posmon.schema.EntryMode;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Turns planned transactions into records: ids, event-time jitter, retransmissions, and a queue
 * ordered by emission slot (simulated time the switch sends the record).
 */
final class TransactionWriter {
    /** An event's time is up to this much before its slot: a little out-of-orderness, well under the engine's 5 s. */
    private static final int MAX_JITTER_MS = 2_000;
    private static final double RETRANSMISSION = 0.002;
    private static final EntryMode[] ENTRY_MODES = {EntryMode.CHIP, EntryMode.CONTACTLESS, EntryMode.QR, EntryMode.MAGSTRIPE, EntryMode.KEYED, EntryMode.OTHER};
    private static final double[] ENTRY_MODE_SHARES = {0.36, 0.34, 0.22, 0.04, 0.02, 0.02};

    private record Scheduled(long slotMillis, long sequence, PosTransaction transaction) {
    }

    private final SplittableRandom rng;
    /** Seed-derived, so runs with different seeds rarely share a transaction id. */
    private final String idTag;
    private long counter;
    private long sequence;
    private final PriorityQueue<Scheduled> pending = new PriorityQueue<>(
            Comparator.comparingLong(Scheduled::slotMillis).thenComparingLong(Scheduled::sequence));

    TransactionWriter(long seed, SplittableRandom rng) {
        this.rng = rng;
        this.idTag = String.format("%04X-", new SplittableRandom(seed).nextInt(0x10000));
    }

    /** A transaction of this merchant and card with everything but its id and time. */
    PosTransaction.Builder draft(Merchant merchant, Card card, long amountMinor, TransactionType type, TransactionStatus status) {
        return PosTransaction.newBuilder()
                .setMerchantId(merchant.id())
                .setTerminalId(merchant.terminalId(rng.nextInt(merchant.terminals())))
                .setCardToken(card.token())
                .setMaskedPan(card.maskedPan())
                .setCardType(card.type())
                .setCustomerId(card.customerId())
                .setAmountMinor(amountMinor)
                .setCurrency("CNY")
                .setType(type)
                .setOriginalTransactionId(null)
                .setStatus(status)
                .setEntryMode(entryMode())
                .setInstallments(0);
    }

    /** Gives the draft its id and event time, queues it at its slot (sometimes twice: a retransmission) and returns it. */
    PosTransaction emit(long slotMillis, PosTransaction.Builder draft) {
        PosTransaction transaction = draft
                .setTransactionId(nextId('T'))
                .setEventTime(Instant.ofEpochMilli(slotMillis - rng.nextInt(MAX_JITTER_MS)))
                .build();
        pending.add(new Scheduled(slotMillis, sequence++, transaction));
        if (rng.nextDouble() < RETRANSMISSION) {
            pending.add(new Scheduled(slotMillis, sequence++, draft.build()));
        }
        return transaction;
    }

    /**
     * A void or refund of {@code original}: same merchant, terminal, card and amount. Built field
     * by field because Avro's copy builder needs the schema packages whitelisted
     * (org.apache.avro.SERIALIZABLE_PACKAGES), which a demo JVM may not set.
     */
    PosTransaction.Builder draftReferringTo(PosTransaction original, TransactionType type) {
        return PosTransaction.newBuilder()
                .setMerchantId(original.getMerchantId())
                .setTerminalId(original.getTerminalId())
                .setCardToken(original.getCardToken())
                .setMaskedPan(original.getMaskedPan())
                .setCardType(original.getCardType())
                .setCustomerId(original.getCustomerId())
                .setAmountMinor(original.getAmountMinor())
                .setCurrency(original.getCurrency())
                .setType(type)
                .setOriginalTransactionId(original.getTransactionId())
                .setStatus(TransactionStatus.APPROVED)
                .setEntryMode(original.getEntryMode())
                .setInstallments(0);
    }

    /** Reference of a pre-authorization that a completion refers to (pre-auths themselves are not sent). */
    String nextAuthorizationId() {
        return nextId('A');
    }

    /** Removes and returns every queued transaction with a slot before {@code toMillis}, dropping those before {@code fromMillis}. */
    List<PosTransaction> drain(long fromMillis, long toMillis) {
        List<PosTransaction> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peek().slotMillis() < toMillis) {
            Scheduled next = pending.poll();
            if (next.slotMillis() >= fromMillis) {
                out.add(next.transaction());
            }
        }
        return out;
    }

    // Ten digits at most after a separator: an id never holds a run long enough to look like a card number.
    private String nextId(char prefix) {
        return prefix + idTag + ZeroPadded.of(++counter, 10);
    }

    private EntryMode entryMode() {
        double pick = rng.nextDouble();
        for (int i = 0; i < ENTRY_MODES.length - 1; i++) {
            pick -= ENTRY_MODE_SHARES[i];
            if (pick < 0) {
                return ENTRY_MODES[i];
            }
        }
        return EntryMode.OTHER;
    }
}
