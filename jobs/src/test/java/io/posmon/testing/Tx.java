package io.posmon.testing;

import io.posmon.schema.CardType;
import io.posmon.schema.EntryMode;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** Terse transactions for tests: local Shanghai times, amounts in fen. */
public final class Tx {

    public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private Tx() {
    }

    public static Instant local(String isoLocalDateTime) {
        return LocalDateTime.parse(isoLocalDateTime).atZone(SHANGHAI).toInstant();
    }

    public static PosTransaction.Builder sale(String id, String merchant, String localTime, long amountMinor) {
        return PosTransaction.newBuilder()
                .setTransactionId(id)
                .setEventTime(local(localTime))
                .setMerchantId(merchant)
                .setTerminalId(merchant + "-T1")
                .setCardToken("tok_" + Integer.toHexString(id.hashCode()))
                .setMaskedPan("622588******1234")
                .setCardType(CardType.CREDIT)
                .setCustomerId(null)
                .setAmountMinor(amountMinor)
                .setCurrency("CNY")
                .setType(TransactionType.SALE)
                .setOriginalTransactionId(null)
                .setStatus(TransactionStatus.APPROVED)
                .setEntryMode(EntryMode.CHIP)
                .setInstallments(0);
    }

    public static PosTransaction credit(String id, String merchant, String localTime, long amountMinor) {
        return sale(id, merchant, localTime, amountMinor).build();
    }

    public static PosTransaction debit(String id, String merchant, String localTime, long amountMinor) {
        return sale(id, merchant, localTime, amountMinor).setCardType(CardType.DEBIT).build();
    }

    public static PosTransaction undo(TransactionType type, String id, String merchant, String localTime, PosTransaction original) {
        return sale(id, merchant, localTime, original.getAmountMinor())
                .setType(type)
                .setCardType(original.getCardType())
                .setOriginalTransactionId(original.getTransactionId())
                .build();
    }

    public static PosTransaction declined(String id, String merchant, String localTime, long amountMinor) {
        return sale(id, merchant, localTime, amountMinor).setStatus(TransactionStatus.DECLINED).build();
    }
}
