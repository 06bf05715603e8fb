package io.posmon.demo.generator;

import io.posmon.schema.CardType;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;

import java.math.BigDecimal;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A plain, independent reading of the five default rules: which rule kinds each merchant's
 * traffic trips. Retransmissions are counted once and only approved transactions count, as in
 * the engine; where a rule could be read two ways this takes the stricter one, so a normal
 * merchant passing here passes the engine.
 */
final class RuleCheck {
    private final DefaultRules rules;
    private final Map<String, MerchantProfile> profiles;

    RuleCheck(DefaultRules rules, List<MerchantProfile> profiles) {
        this.rules = rules;
        this.profiles = profiles.stream().collect(Collectors.toMap(p -> p.getMerchantId(), Function.identity()));
    }

    /** Every merchant id mapped to the rule kinds it trips (empty when none). */
    Map<String, Set<PlantedCase>> tripped(List<PosTransaction> transactions) {
        Map<String, List<PosTransaction>> byMerchant = new HashMap<>();
        Map<String, PosTransaction> once = new LinkedHashMap<>();
        transactions.forEach(t -> once.putIfAbsent(t.getTransactionId(), t));
        once.values().stream()
                .filter(t -> t.getStatus() == TransactionStatus.APPROVED)
                .sorted(Comparator.comparing(PosTransaction::getEventTime))
                .forEach(t -> byMerchant.computeIfAbsent(t.getMerchantId(), id -> new ArrayList<>()).add(t));
        Map<String, Set<PlantedCase>> result = new HashMap<>();
        for (MerchantProfile profile : profiles.values()) {
            List<PosTransaction> approved = byMerchant.getOrDefault(profile.getMerchantId(), List.of());
            Set<PlantedCase> kinds = EnumSet.noneOf(PlantedCase.class);
            if (overDailyCreditLimit(profile, approved)) {
                kinds.add(PlantedCase.DAILY_CREDIT_LIMIT);
            }
            if (volumeJumped(profile, approved)) {
                kinds.add(PlantedCase.VOLUME_JUMP);
            }
            if (largeRoundBurst(approved)) {
                kinds.add(PlantedCase.LARGE_ROUND_AMOUNTS);
            }
            if (rules.stoppedStatuses().contains(profile.getStatus().name()) && !approved.isEmpty()) {
                kinds.add(PlantedCase.SUSPENDED_MERCHANT_ACTIVITY);
            }
            if (profile.getSettlementAccountType() == SettlementAccountType.PERSONAL) {
                kinds.add(PlantedCase.PERSONAL_SETTLEMENT_ACCOUNT);
            }
            result.put(profile.getMerchantId(), kinds);
        }
        return result;
    }

    /** Running net credit sales of a business day ever above the limit. */
    private boolean overDailyCreditLimit(MerchantProfile profile, List<PosTransaction> approved) {
        long limit = rules.dailyCreditLimitMinor(rules.groupOf(profile.getMcc()), profile.getScale());
        Map<Object, Long> net = new HashMap<>();
        for (PosTransaction t : approved) {
            if (t.getCardType() != CardType.CREDIT) {
                continue;
            }
            long sign = switch (t.getType()) {
                case SALE, PREAUTH_COMPLETION -> 1;
                case VOID, REVERSAL -> -1;
                case REFUND -> 0;
            };
            long running = net.merge(businessDay(t), sign * t.getAmountMinor(), Long::sum);
            if (running > limit) {
                return true;
            }
        }
        return false;
    }

    /** Day or clock-hour gross volume over the peer-table baseline (no merchant has history). */
    private boolean volumeJumped(MerchantProfile profile, List<PosTransaction> approved) {
        DefaultRules.Peer peer = rules.peerDay(rules.groupOf(profile.getMcc()), profile.getScale());
        for (DefaultRules.Window window : rules.volumeWindows()) {
            boolean hourly = window.name().equals("HOUR");
            // Baseline of an hour is the day's divided by the active hours: compare observed x hours with ratio x day.
            BigDecimal scale = BigDecimal.valueOf(hourly ? rules.activeHoursPerDay() : 1);
            Map<Object, long[]> volume = new HashMap<>();
            for (PosTransaction t : approved) {
                if (t.getType() == TransactionType.SALE || t.getType() == TransactionType.PREAUTH_COMPLETION) {
                    long[] amountAndCount = volume.computeIfAbsent(hourly ? clockHour(t) : businessDay(t), k -> new long[2]);
                    amountAndCount[0] += t.getAmountMinor();
                    amountAndCount[1]++;
                }
            }
            for (long[] v : volume.values()) {
                boolean amount = BigDecimal.valueOf(v[0]).multiply(scale).compareTo(window.ratio().multiply(BigDecimal.valueOf(peer.amountMinor()))) > 0
                        && v[0] >= window.minAmountMinor();
                boolean count = BigDecimal.valueOf(v[1]).multiply(scale).compareTo(window.ratio().multiply(BigDecimal.valueOf(peer.count()))) > 0
                        && v[1] >= window.minCount();
                if (amount || count) {
                    return true;
                }
            }
        }
        return false;
    }

    /** minCount large round credit sales with the first and last at most `within` apart. */
    private boolean largeRoundBurst(List<PosTransaction> approved) {
        List<PosTransaction> round = approved.stream()
                .filter(t -> t.getType() == TransactionType.SALE || t.getType() == TransactionType.PREAUTH_COMPLETION)
                .filter(t -> rules.roundCardTypes().contains(t.getCardType().name()))
                .filter(t -> t.getAmountMinor() >= rules.roundMinAmountMinor() && t.getAmountMinor() % rules.roundMultipleOfMinor() == 0)
                .toList();
        int n = rules.roundMinCount();
        for (int i = 0; i + n - 1 < round.size(); i++) {
            if (!round.get(i + n - 1).getEventTime().isAfter(round.get(i).getEventTime().plus(rules.roundWithin()))) {
                return true;
            }
        }
        return false;
    }

    private Object businessDay(PosTransaction t) {
        return t.getEventTime().atZone(rules.zone).toLocalDate();
    }

    private Object clockHour(PosTransaction t) {
        ZonedDateTime local = t.getEventTime().atZone(rules.zone);
        return local.truncatedTo(ChronoUnit.HOURS);
    }
}
