package io.posmon.operators;

import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantSnapshot;
import io.posmon.schema.PosTransaction;
import java.util.List;

/**
 * One approved, first-seen, in-time transaction as the keyed checks see it: the transaction,
 * its merchant's profile (null when none has arrived), and what the operator derived once for all checks.
 */
public final class TransactionContext {

    /** Looks up and updates what the operator remembers of earlier transactions of this merchant. */
    public interface SeenLookup {
        SeenTransaction get(String transactionId) throws Exception;

        void put(String transactionId, SeenTransaction seen) throws Exception;
    }

    public final PosTransaction tx;
    public final String merchantId;
    public final long eventTime;
    public final int businessDay;
    public final int hourOfDay;
    public final MerchantProfile profile;
    public final String mccGroup;
    public final List<EvidenceItem> recent;
    private final SeenLookup seen;
    private MerchantSnapshot snapshot;
    private SeenTransaction original;
    private boolean originalLoaded;

    public TransactionContext(PosTransaction tx, BusinessCalendar calendar, MerchantProfile profile,
                              MccGroupTable groups, List<EvidenceItem> recent, SeenLookup seen) {
        this.tx = tx;
        this.merchantId = tx.getMerchantId();
        this.eventTime = tx.getEventTime().toEpochMilli();
        this.businessDay = calendar.businessDay(eventTime);
        this.hourOfDay = calendar.hourOfDay(eventTime);
        this.profile = profile;
        this.mccGroup = profile == null ? groups.fallback() : groups.groupOf(profile.getMcc());
        this.recent = recent;
        this.seen = seen;
    }

    /** The merchant's scale, or null when its profile is unknown. */
    public MerchantScale scale() {
        return profile == null ? null : profile.getScale();
    }

    public MerchantSnapshot snapshot() {
        if (snapshot == null) {
            snapshot = AlertFactory.snapshot(merchantId, profile);
        }
        return snapshot;
    }

    /** The operator already read the original (for voids and reversals): checks reuse it. */
    void originalIs(SeenTransaction loaded) {
        original = loaded;
        originalLoaded = true;
    }

    /**
     * The transaction this one refers to (void, reversal), if this merchant counted it, as it was
     * before this transaction: every check sees the same, whatever the others did with it.
     */
    public SeenTransaction original() throws Exception {
        if (!originalLoaded) {
            String id = tx.getOriginalTransactionId();
            original = id == null ? null : seen.get(id);
            originalLoaded = true;
        }
        return original;
    }

    /** Called by the operator after all checks: a second void or reversal of the same sale then counts nothing. */
    void persistUndo() throws Exception {
        if (original != null && !original.undone) {
            original.undone = true;
            seen.put(tx.getOriginalTransactionId(), original);
        }
    }
}
