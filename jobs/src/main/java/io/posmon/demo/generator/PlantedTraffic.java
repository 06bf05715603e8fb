package io.posmon.demo.generator;

import io.posmon.schema.EntryMode;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * The scripted traffic of the planted merchants, replayed every simulated day from the
 * simulated start's time of day (09:00 by default), so each kind fires within the first
 * simulated hour. Start the simulation before 20:00 local time for a day's script to fit in one
 * business day. Personal-settlement merchants have no script: their profile is the finding.
 */
final class PlantedTraffic {
    private static final long MINUTE = 60_000;
    private static final int CARDS_PER_HOLDER = 5;

    private final List<Merchant> planted;
    private final Map<String, List<Card>> holderCards = new HashMap<>();
    private final CardPool cards;
    private final TransactionWriter writer;
    private final SplittableRandom rng;
    private final Instant start;
    private final ZoneId zone;

    PlantedTraffic(List<Merchant> merchants, CardPool cards, TransactionWriter writer, SplittableRandom rng,
                   GeneratorSettings settings) {
        this.planted = merchants.stream().filter(m -> m.planted() != null).toList();
        for (Merchant merchant : planted) {
            if (merchant.planted() == PlantedCase.LARGE_ROUND_AMOUNTS) {
                holderCards.put(merchant.id(), cards.oneHolderCreditCards(holderCards.size(), CARDS_PER_HOLDER));
            }
        }
        this.cards = cards;
        this.writer = writer;
        this.rng = rng;
        this.start = settings.simulatedStart();
        this.zone = settings.zone();
    }

    /** When day {@code day}'s scripts start: the simulated start, then the same local time each following day. */
    Instant scriptStart(int day) {
        return start.atZone(zone).plusDays(day).toInstant();
    }

    void planDay(int day) {
        long from = scriptStart(day).toEpochMilli();
        for (Merchant merchant : planted) {
            switch (merchant.planted()) {
                case DAILY_CREDIT_LIMIT -> creditLimitBreach(merchant, from);
                case VOLUME_JUMP -> volumeJump(merchant, from);
                case LARGE_ROUND_AMOUNTS -> largeRoundBursts(merchant, from);
                case SUSPENDED_MERCHANT_ACTIVITY -> salesWhileStopped(merchant, from);
                case PERSONAL_SETTLEMENT_ACCOUNT -> { }
            }
        }
    }

    /**
     * About 14 credit sales of 3,800-4,900 yuan over 50 minutes take net credit past 56,000 yuan,
     * over the 50,000 yuan SMALL limit. Amounts stay under the large-round minimum of 5,000 yuan
     * and 14 sales in an hour is under the count triggers; but 56,000 yuan in a day is far above a SMALL peer's
     * volume, so these merchants trip the volume-jump amount check too (no limit breach is
     * possible without it under the default tables).
     */
    private void creditLimitBreach(Merchant merchant, long from) {
        long slot = from + 2 * MINUTE;
        for (long net = 0; net <= 56_000_00L; slot += 3 * MINUTE + rng.nextInt(40_000)) {
            long amount = TicketAmounts.uniform(rng, 3_800_00, 4_900_00);
            writer.emit(slot, writer.draft(merchant, cards.randomCredit(rng), amount, TransactionType.SALE, TransactionStatus.APPROVED));
            net += amount;
        }
    }

    /**
     * 60 sales of 200-800 yuan on mixed cards inside one clock hour (the first full one): count
     * and amount far over a SMALL peer's hour (count trigger 34 or 21, amount 10,000 yuan), net
     * credit (about 17,000 yuan) well under the limit, nothing large or round.
     */
    private void volumeJump(Merchant merchant, long from) {
        long hour = Instant.ofEpochMilli(from - 1).atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant().toEpochMilli();
        long[] slots = LongStream.generate(() -> hour + 2 * MINUTE + rng.nextLong(56 * MINUTE)).limit(60).sorted().toArray();
        for (long slot : slots) {
            long amount = TicketAmounts.normal(rng, 200_00, 800_00);
            writer.emit(slot, writer.draft(merchant, cards.random(rng), amount, TransactionType.SALE, TransactionStatus.APPROVED));
        }
    }

    /**
     * Four bursts a day, two hours apart, of 3 credit sales of exactly 5,000-10,000 yuan in whole
     * thousands within 30 minutes, on different cards of one card holder (cash-out, 套现). A burst
     * (at most 30,000 yuan) plus the merchant's normal traffic stays under a MEDIUM jeweller's
     * hour and day volume triggers and its 1,000,000 yuan credit limit.
     */
    private void largeRoundBursts(Merchant merchant, long from) {
        List<Card> holderCards = this.holderCards.get(merchant.id());
        for (int burst = 0; burst < 4; burst++) {
            long slot = from + 10 * MINUTE + burst * Duration.ofHours(2).toMillis();
            for (int sale = 0; sale < 3; sale++, slot += 8 * MINUTE + rng.nextInt(6 * (int) MINUTE)) {
                long amount = (5 + rng.nextInt(6)) * 1_000_00L;
                Card card = holderCards.get((burst * 3 + sale) % holderCards.size());
                writer.emit(slot, writer.draft(merchant, card, amount, TransactionType.SALE, TransactionStatus.APPROVED)
                        .setEntryMode(EntryMode.CHIP));
            }
        }
    }

    /** A stopped merchant's terminal keeps taking a few ordinary sales. */
    private void salesWhileStopped(Merchant merchant, long from) {
        for (long minutes : new long[] {3, 20, 75, 150}) {
            long amount = TicketAmounts.normal(rng, merchant.minTicketMinor(), merchant.maxTicketMinor());
            writer.emit(from + minutes * MINUTE + rng.nextInt(60_000),
                    writer.draft(merchant, cards.random(rng), amount, TransactionType.SALE, TransactionStatus.APPROVED));
        }
    }
}
