package io.posmon.sources;

import io.posmon.carddata.PanGuard;
import io.posmon.carddata.PanTokenizer;
import io.posmon.schema.PosTransaction;

/**
 * A source that sends a clear card number in {@code cardToken} or {@code maskedPan} is handled at
 * ingest, before anything is kept or written: the card number becomes its keyed token and its
 * masked form, and the transaction goes on. Without a key configured, such a transaction is left
 * as it is and the record check sends it to the dead-letter topic (masked).
 */
public final class ClearPanTokenization implements RecordRepair<PosTransaction> {

    private final PanTokenizer tokenizer;

    /** @param tokenizer null when no key is configured */
    public ClearPanTokenization(PanTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public boolean repair(PosTransaction tx) {
        if (tokenizer == null) {
            return false;
        }
        String pan = PanGuard.firstPan(tx.getCardToken());
        if (pan == null) {
            pan = PanGuard.firstPan(tx.getMaskedPan());
        }
        if (pan == null) {
            return false;
        }
        tx.setCardToken(tokenizer.token(pan));
        tx.setMaskedPan(PanGuard.mask(pan));
        return true;
    }

    @Override
    public String metricName() {
        return "clearPansTokenized";
    }
}
