package io.posmon.demo.generator;

import io.posmon.schema.CardType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everyday traffic of every merchant that trades: a Poisson stream per merchant and clock hour
 * following its group's daily rhythm, with declines, pre-auth completions, voids, refunds and
 * instalment sales. Approved sales that would leave the merchant's {@link NormalEnvelope} are
 * not made, so normal merchants never trip a default rule whatever rate is asked for.
 */
final class NormalTraffic {
    private static final double DECLINED = 0.02;
    private static final double PREAUTH_COMPLETION = 0.02;
    /** Per approved sale, so that voids are about 1% and refunds 0.5% of all transactions. */
    private static final double VOID = 0.0106;
    private static final double REFUND = 0.0053;
    private static final int[] INSTALMENT_TERMS = {3, 6, 12};

    private final List<Merchant> merchants;
    private final MerchantDayTally[] tallies;
    /** Sales per simulated day per unit of merchant activity, so all merchants together make the requested rate. */
    private final double salesPerActivity;
    private final CardPool cards;
    private final TransactionWriter writer;
    private final SplittableRandom rng;
    private final ZoneId zone;

    NormalTraffic(List<Merchant> allMerchants, CardPool cards, TransactionWriter writer, SplittableRandom rng,
                  GeneratorSettings settings) {
        this.merchants = allMerchants.stream().filter(Merchant::background).toList();
        this.tallies = new MerchantDayTally[merchants.size()];
        for (int i = 0; i < tallies.length; i++) {
            tallies[i] = new MerchantDayTally();
        }
        double eventsPerDay = settings.ratePerSecond() / settings.speed() * 86_400;
        this.salesPerActivity = eventsPerDay / merchants.stream().mapToDouble(Merchant::activity).sum();
        this.cards = cards;
        this.writer = writer;
        this.rng = rng;
        this.zone = settings.zone();
    }

    /** Plans all merchants' traffic with slots in [start, end), a part of one clock hour. */
    void plan(ZonedDateTime start, Instant end) {
        LocalDate date = start.toLocalDate();
        int hour = start.getHour();
        long from = start.toInstant().toEpochMilli();
        long to = end.toEpochMilli();
        for (int i = 0; i < merchants.size(); i++) {
            Merchant merchant = merchants.get(i);
            double perMilli = merchant.activity() * salesPerActivity * merchant.group().rhythm.share(hour) / 3_600_000.0;
            if (perMilli == 0) {
                continue;
            }
            for (double slot = from + gap(perMilli); slot < to; slot += gap(perMilli)) {
                arrival(merchant, tallies[i], (long) slot, date, hour);
            }
        }
    }

    private void arrival(Merchant merchant, MerchantDayTally tally, long slot, LocalDate date, int hour) {
        Card card = cards.random(rng);
        long amount = TicketAmounts.normal(rng, merchant.minTicketMinor(), merchant.maxTicketMinor());
        double kind = rng.nextDouble();
        if (kind < DECLINED) {
            writer.emit(slot, writer.draft(merchant, card, amount, TransactionType.SALE, TransactionStatus.DECLINED));
            return;
        }
        if (!tally.admit(date, hour, amount, card.type() == CardType.CREDIT, merchant.envelope())) {
            return;
        }
        if (kind < DECLINED + PREAUTH_COMPLETION) {
            writer.emit(slot, writer.draft(merchant, card, amount, TransactionType.PREAUTH_COMPLETION, TransactionStatus.APPROVED)
                    .setOriginalTransactionId(writer.nextAuthorizationId()));
            return;
        }
        PosTransaction sale = writer.emit(slot, writer.draft(merchant, card, amount, TransactionType.SALE, TransactionStatus.APPROVED)
                .setInstallments(installments(merchant, card)));
        double followUp = rng.nextDouble();
        if (followUp < VOID) {
            long voidSlot = slot + 120_000 + rng.nextInt(480_000);
            // A void (撤销) cancels a sale of the same business day only.
            if (Instant.ofEpochMilli(voidSlot).atZone(zone).toLocalDate().equals(date)) {
                writer.emit(voidSlot, writer.draftReferringTo(sale, TransactionType.VOID));
            }
        } else if (followUp < VOID + REFUND) {
            writer.emit(slot + 1_800_000 + rng.nextInt(12_600_000), writer.draftReferringTo(sale, TransactionType.REFUND));
        }
    }

    private int installments(Merchant merchant, Card card) {
        if (!merchant.group().sellsOnInstalments || card.type() != CardType.CREDIT || rng.nextInt(100) >= 4) {
            return 0;
        }
        return INSTALMENT_TERMS[rng.nextInt(INSTALMENT_TERMS.length)];
    }

    /** Exponential time to the next arrival, in milliseconds. */
    private double gap(double perMilli) {
        return -Math.log(1 - rng.nextDouble()) / perMilli;
    }
}
