package io.posmon.demo.generator;

import io.posmon.schema.CardType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/** The card holders who shop at the generated merchants. */
final class CardPool {
    private static final String[] CREDIT_BINS = {"625802", "622155", "518710", "438088", "622588"};
    private static final String[] DEBIT_BINS = {"621483", "622848", "621700", "623052"};
    private static final String[] PREPAID_BINS = {"623668", "620058"};
    /** A token must not look like a card number to a data-loss scanner. */
    private static final Pattern LONG_DIGIT_RUN = Pattern.compile("\\d{13,}");

    private static final HexFormat HEX = HexFormat.of();

    private final long seed;
    private final MessageDigest sha256 = newSha256();
    private final Card[] cards;
    private final int[] creditCards;

    CardPool(long seed, int size) {
        this.seed = seed;
        cards = new Card[size];
        List<Integer> credit = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
            double kind = rng.nextDouble();
            CardType type = kind < 0.55 ? CardType.CREDIT : kind < 0.93 ? CardType.DEBIT : CardType.PREPAID;
            // About 30% of card holders are the bank's own customers.
            String customerId = rng.nextInt(10) < 3 ? customerId(rng) : null;
            cards[i] = card("card", i, type, customerId, rng);
            if (type == CardType.CREDIT) {
                credit.add(i);
            }
        }
        creditCards = credit.stream().mapToInt(Integer::intValue).toArray();
    }

    Card random(SplittableRandom rng) {
        return cards[rng.nextInt(cards.length)];
    }

    Card randomCredit(SplittableRandom rng) {
        return cards[creditCards[rng.nextInt(creditCards.length)]];
    }

    /** Credit cards outside the pool all held by one bank customer: the cash-out pattern's "one person, many cards". */
    List<Card> oneHolderCreditCards(int holder, int count) {
        SplittableRandom rng = new SplittableRandom(seed * 7_919L + holder);
        String customerId = customerId(rng);
        List<Card> ring = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            ring.add(card("holder" + holder, k, CardType.CREDIT, customerId, rng));
        }
        return ring;
    }

    private Card card(String kind, int index, CardType type, String customerId, SplittableRandom rng) {
        String[] bins = switch (type) {
            case CREDIT -> CREDIT_BINS;
            case DEBIT -> DEBIT_BINS;
            case PREPAID -> PREPAID_BINS;
        };
        String maskedPan = bins[rng.nextInt(bins.length)] + "******" + ZeroPadded.of(rng.nextInt(10_000), 4);
        return new Card(token(kind + ":" + index), maskedPan, type, customerId);
    }

    private static String customerId(SplittableRandom rng) {
        return "C" + ZeroPadded.of(rng.nextInt(100_000_000), 8);
    }

    private String token(String cardKey) {
        for (int salt = 0; ; salt++) {
            byte[] hash = sha256.digest((seed + ":" + cardKey + ":" + salt).getBytes(StandardCharsets.UTF_8));
            String hex = HEX.formatHex(hash, 0, 12);
            if (!LONG_DIGIT_RUN.matcher(hex).find()) {
                return "tok_" + hex;
            }
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
