package io.posmon.demo.generator;

import io.posmon.schema.CardType;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficGeneratorTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d{13,}");
    private static final Pattern MASKED_PAN = Pattern.compile("\\d{6}\\*{6}\\d{4}");
    private static final Pattern TOKEN = Pattern.compile("tok_[0-9a-f]{24}");

    private static DefaultRules rules;
    /** A full simulated day at the default settings, shared by the tests that only read it. */
    private static Day defaultDay;

    private record Day(TrafficGenerator generator, List<PosTransaction> transactions) {
    }

    @BeforeAll
    static void generateDefaultDay() {
        rules = DefaultRules.load();
        defaultDay = fullDay(GeneratorSettings.defaults());
    }

    private static Day fullDay(GeneratorSettings settings) {
        TrafficGenerator generator = new TrafficGenerator(settings);
        return new Day(generator, generator.transactionsBetween(settings.simulatedStart(), settings.simulatedStart().plus(DAY)));
    }

    private static GeneratorSettings withSeed(long seed) {
        GeneratorSettings d = GeneratorSettings.defaults();
        return new GeneratorSettings(seed, d.merchants(), d.cards(), d.ratePerSecond(), d.simulatedStart(), d.speed(), d.zone());
    }

    @Test
    void defaultsGiveEachMerchantARealisticDayAtAFewMinutesPerSimulatedDay() {
        GeneratorSettings settings = GeneratorSettings.defaults();
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");

        assertThat(settings.seed()).isEqualTo(42);
        assertThat(settings.merchants()).isEqualTo(2_000);
        assertThat(settings.cards()).isEqualTo(50_000);
        assertThat(settings.ratePerSecond()).isEqualTo(400);
        assertThat(settings.zone()).isEqualTo(shanghai);
        assertThat(settings.simulatedStart().atZone(shanghai).toLocalTime()).isEqualTo(LocalTime.of(9, 0));
        assertThat(settings.simulatedStart().atZone(shanghai).toLocalDate()).isEqualTo(LocalDate.now(shanghai).minusDays(2));
        // 400 x 86400 / (2000 x 60): a simulated day every 300 wall seconds.
        assertThat(settings.speed()).isEqualTo(288.0);
    }

    @Test
    void simulatedTimeRunsAtSpeed() {
        GeneratorSettings settings = GeneratorSettings.defaults();
        TrafficGenerator generator = new TrafficGenerator(settings);

        assertThat(generator.simulatedTimeAt(Duration.ZERO)).isEqualTo(settings.simulatedStart());
        assertThat(generator.simulatedTimeAt(Duration.ofMillis(100))).isEqualTo(settings.simulatedStart().plusMillis(28_800));
        assertThat(generator.simulatedTimeAt(Duration.ofMinutes(5))).isEqualTo(settings.simulatedStart().plus(DAY));
    }

    @Test
    void sameSeedGivesTheSameTrafficHoweverTheCallsCutTheTime() {
        GeneratorSettings settings = new GeneratorSettings(7, 200, 2_000, 50, GeneratorSettings.defaults().simulatedStart(),
                GeneratorSettings.realisticSpeed(50, 200), ZoneId.of("Asia/Shanghai"));
        TrafficGenerator oneCall = new TrafficGenerator(settings);
        TrafficGenerator demoLike = new TrafficGenerator(settings);
        Instant end = settings.simulatedStart().plus(Duration.ofHours(3));

        List<PosTransaction> whole = oneCall.transactionsBetween(settings.simulatedStart(), end);
        List<PosTransaction> polled = new ArrayList<>();
        Instant last = settings.simulatedStart();
        for (long wallMillis = 100; last.isBefore(end); wallMillis += 100) {
            Instant now = demoLike.simulatedTimeAt(Duration.ofMillis(wallMillis));
            polled.addAll(demoLike.transactionsBetween(last, now.isAfter(end) ? end : now));
            last = now;
        }

        assertThat(whole).isNotEmpty().isEqualTo(polled);
        assertThat(oneCall.merchantProfiles()).isEqualTo(new TrafficGenerator(settings).merchantProfiles());
        assertThat(oneCall.plantedCases()).isEqualTo(demoLike.plantedCases());
        TrafficGenerator otherSeed = new TrafficGenerator(new GeneratorSettings(8, 200, 2_000, 50, settings.simulatedStart(),
                settings.speed(), settings.zone()));
        assertThat(otherSeed.transactionsBetween(settings.simulatedStart(), end)).isNotEqualTo(whole);
    }

    @Test
    void rateIsWhatTheSettingsAskForOnAverageOverTheDay() {
        GeneratorSettings settings = GeneratorSettings.defaults();
        double expected = settings.ratePerSecond() / settings.speed() * DAY.toSeconds();

        assertThat((double) defaultDay.transactions().size()).isBetween(0.9 * expected, 1.1 * expected);
    }

    @Test
    void transactionIdsAreUniqueExceptRetransmissionsWhichRepeatTheWholeRecord() {
        Map<String, List<PosTransaction>> byId = defaultDay.transactions().stream()
                .collect(Collectors.groupingBy(PosTransaction::getTransactionId));
        List<List<PosTransaction>> repeated = byId.values().stream().filter(copies -> copies.size() > 1).toList();

        assertThat(repeated).allSatisfy(copies -> assertThat(copies).hasSize(2).containsOnly(copies.get(0)));
        assertThat((double) repeated.size() / byId.size()).isBetween(0.001, 0.0035);
    }

    @Test
    void eventTimesAreAtMostTwoSecondsOutOfOrder() {
        Instant latest = Instant.MIN;
        Duration worst = Duration.ZERO;
        for (PosTransaction t : defaultDay.transactions()) {
            if (t.getEventTime().isAfter(latest)) {
                latest = t.getEventTime();
            } else if (Duration.between(t.getEventTime(), latest).compareTo(worst) > 0) {
                worst = Duration.between(t.getEventTime(), latest);
            }
        }
        assertThat(worst).isPositive().isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void cardNumbersAreNeverInTheClear() {
        List<PosTransaction> transactions = defaultDay.transactions();

        assertThat(transactions).extracting(PosTransaction::getMaskedPan).filteredOn(pan -> !MASKED_PAN.matcher(pan).matches()).isEmpty();
        assertThat(transactions).extracting(PosTransaction::getCardToken).filteredOn(token -> !TOKEN.matcher(token).matches()).isEmpty();
        List<SpecificRecord> records = new ArrayList<>(transactions);
        records.addAll(defaultDay.generator().merchantProfiles());
        assertThat(records.stream().flatMap(record -> luhnValidDigitRuns(record).stream())).isEmpty();
    }

    /** Every 13-19 digit stretch of any string field that passes the Luhn check, i.e. could be a card number. */
    private static List<String> luhnValidDigitRuns(SpecificRecord record) {
        List<String> found = new ArrayList<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            if (record.get(field.pos()) instanceof CharSequence text) {
                Matcher run = DIGIT_RUN.matcher(text);
                while (run.find()) {
                    String digits = run.group();
                    for (int length = 13; length <= Math.min(19, digits.length()); length++) {
                        for (int start = 0; start + length <= digits.length(); start++) {
                            if (luhn(digits.substring(start, start + length))) {
                                found.add(field.name() + "=" + text);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    @Test
    void cardHoldersAndTransactionTypesHaveARealisticMix() {
        List<PosTransaction> transactions = defaultDay.transactions();
        Map<String, PosTransaction> cards = transactions.stream()
                .collect(Collectors.toMap(PosTransaction::getCardToken, Function.identity(), (a, b) -> a));
        Map<String, String> groupByMerchant = defaultDay.generator().merchantProfiles().stream()
                .collect(Collectors.toMap(MerchantProfile::getMerchantId, p -> rules.groupOf(p.getMcc())));

        assertThat(share(cards.values(), t -> t.getCardType() == CardType.CREDIT)).isBetween(0.50, 0.60);
        assertThat(share(cards.values(), t -> t.getCustomerId() != null)).isBetween(0.25, 0.35);
        assertThat(share(transactions, t -> t.getStatus() == TransactionStatus.DECLINED)).isBetween(0.015, 0.025);
        assertThat(share(transactions, t -> t.getType() == TransactionType.VOID)).isBetween(0.007, 0.013);
        assertThat(share(transactions, t -> t.getType() == TransactionType.REFUND)).isBetween(0.003, 0.007);
        assertThat(share(transactions, t -> t.getType() == TransactionType.PREAUTH_COMPLETION)).isBetween(0.01, 0.03);
        assertThat(transactions).filteredOn(t -> t.getInstallments() > 0).isNotEmpty()
                .allSatisfy(t -> {
                    assertThat(t.getInstallments()).isIn(3, 6, 12);
                    assertThat(groupByMerchant.get(t.getMerchantId())).isIn("RETAIL", "HOME", "AUTO");
                });
        assertThat(transactions).filteredOn(t -> t.getAmountMinor() <= 0 || !t.getCurrency().equals("CNY")
                || !t.getTerminalId().matches("T" + t.getMerchantId().substring(1) + "-0[1-3]")).isEmpty();
    }

    private static <T> double share(java.util.Collection<T> items, java.util.function.Predicate<T> test) {
        return (double) items.stream().filter(test).count() / items.size();
    }

    @Test
    void voidsAndRefundsReferToAnEarlierSaleOfTheSameMerchantAndCard() {
        List<PosTransaction> transactions = defaultDay.transactions();
        Map<String, PosTransaction> byId = transactions.stream()
                .collect(Collectors.toMap(PosTransaction::getTransactionId, Function.identity(), (a, b) -> a));
        ZoneId zone = GeneratorSettings.defaults().zone();

        assertThat(transactions).filteredOn(t -> t.getType() == TransactionType.VOID || t.getType() == TransactionType.REFUND)
                .isNotEmpty()
                .allSatisfy(t -> {
                    PosTransaction sale = byId.get(t.getOriginalTransactionId());
                    assertThat(sale).isNotNull();
                    assertThat(sale.getType()).isEqualTo(TransactionType.SALE);
                    assertThat(sale.getStatus()).isEqualTo(TransactionStatus.APPROVED);
                    assertThat(List.of(t.getMerchantId(), t.getCardToken(), t.getAmountMinor()))
                            .isEqualTo(List.of(sale.getMerchantId(), sale.getCardToken(), sale.getAmountMinor()));
                    assertThat(t.getEventTime()).isAfter(sale.getEventTime());
                    if (t.getType() == TransactionType.VOID) {
                        assertThat(Duration.between(sale.getEventTime(), t.getEventTime())).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(11));
                        assertThat(t.getEventTime().atZone(zone).toLocalDate()).isEqualTo(sale.getEventTime().atZone(zone).toLocalDate());
                    }
                });
    }

    @Test
    void merchantProfilesLookLikeAnAcquirersBook() {
        TrafficGenerator generator = defaultDay.generator();
        List<MerchantProfile> profiles = generator.merchantProfiles();
        Set<String> normal = generator.normalMerchantIds();

        assertThat(profiles).hasSize(2_000).extracting(MerchantProfile::getMerchantId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("M\\d{6}"));
        assertThat(normal).hasSize(1_990).doesNotContainAnyElementsOf(generator.plantedCases().keySet());
        assertThat(profiles).filteredOn(p -> normal.contains(p.getMerchantId())).allSatisfy(p -> {
            assertThat(p.getStatus()).isEqualTo(MerchantStatus.ACTIVE);
            assertThat(p.getSettlementAccountType()).isEqualTo(SettlementAccountType.CORPORATE);
            assertThat(p.getDailyCreditLimitMinor()).isNull();
            assertThat(p.getUpdatedAt()).isBefore(GeneratorSettings.defaults().simulatedStart());
        });
        assertThat(share(profiles, p -> p.getScale() == MerchantScale.MICRO || p.getScale() == MerchantScale.SMALL)).isGreaterThan(0.75);
        assertThat(profiles).extracting(p -> rules.groupOf(p.getMcc())).contains("OTHER", "RESTAURANT", "GROCERY", "RETAIL");
        assertThat(profiles).extracting(MerchantProfile::getFeeRateBps).contains(0, 38, 60, 78);
    }

    @Test
    void everyPlantedCaseTripsItsRuleWithinTheFirstSimulatedHour() {
        GeneratorSettings settings = GeneratorSettings.defaults();
        TrafficGenerator generator = new TrafficGenerator(settings);
        List<PosTransaction> firstHour = generator.transactionsBetween(settings.simulatedStart(), settings.simulatedStart().plus(Duration.ofHours(1)));

        Map<String, Set<PlantedCase>> tripped = new RuleCheck(rules, generator.merchantProfiles()).tripped(firstHour);

        assertThat(generator.plantedCases().values()).containsOnly(PlantedCase.values());
        assertThat(generator.plantedCases()).allSatisfy((id, kind) -> assertThat(tripped.get(id)).as(id).contains(kind));
        assertThat(generator.normalMerchantIds()).allSatisfy(id -> assertThat(tripped.get(id)).as(id).isEmpty());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {42, 7})
    void overAFullDayNormalMerchantsTripNothingAndPlantedOnesMainlyTheirOwnRule(long seed) {
        Day day = seed == 42 ? defaultDay : fullDay(withSeed(seed));
        TrafficGenerator generator = day.generator();

        Map<String, Set<PlantedCase>> tripped = new RuleCheck(rules, generator.merchantProfiles()).tripped(day.transactions());

        assertThat(generator.normalMerchantIds()).allSatisfy(id -> assertThat(tripped.get(id)).as(id).isEmpty());
        generator.plantedCases().forEach((id, kind) -> {
            if (kind == PlantedCase.DAILY_CREDIT_LIMIT) {
                // A credit-limit breach is necessarily far above a peer's daily volume as well.
                assertThat(tripped.get(id)).as(id).contains(kind).isSubsetOf(kind, PlantedCase.VOLUME_JUMP);
            } else {
                assertThat(tripped.get(id)).as(id).containsExactly(kind);
            }
        });
    }

    @Test
    void normalMerchantsStayBelowTheRulesEvenWhenAskedForFarMoreTrafficThanADayHolds() {
        // Speed 1 at 50 events per second: 1,800 sales per merchant per hour are asked for.
        GeneratorSettings settings = new GeneratorSettings(3, 100, 1_000, 50, GeneratorSettings.defaults().simulatedStart(), 1,
                ZoneId.of("Asia/Shanghai"));
        TrafficGenerator generator = new TrafficGenerator(settings);
        List<PosTransaction> transactions = generator.transactionsBetween(settings.simulatedStart(), settings.simulatedStart().plus(Duration.ofHours(3)));

        Map<String, Set<PlantedCase>> tripped = new RuleCheck(rules, generator.merchantProfiles()).tripped(transactions);

        assertThat(generator.normalMerchantIds()).allSatisfy(id -> assertThat(tripped.get(id)).as(id).isEmpty());
        assertThat(generator.plantedCases()).allSatisfy((id, kind) -> assertThat(tripped.get(id)).as(id).contains(kind));
        assertThat(transactions.size()).isLessThan(50 * 3 * 3600);
    }

    @Test
    void plantedCashOutUsesManyCardsOfOneCustomer() {
        TrafficGenerator generator = defaultDay.generator();
        Map<String, List<PosTransaction>> roundSales = new HashMap<>();
        defaultDay.transactions().stream()
                .filter(t -> generator.plantedCases().get(t.getMerchantId()) == PlantedCase.LARGE_ROUND_AMOUNTS)
                .filter(t -> t.getAmountMinor() % 1_000_00 == 0 && t.getAmountMinor() >= 5_000_00)
                .forEach(t -> roundSales.computeIfAbsent(t.getMerchantId(), id -> new ArrayList<>()).add(t));

        assertThat(roundSales).hasSize(2).allSatisfy((id, sales) -> {
            assertThat(sales).extracting(PosTransaction::getCustomerId).doesNotContainNull().containsOnly(sales.get(0).getCustomerId());
            assertThat(sales.stream().map(PosTransaction::getCardToken).distinct().count()).isGreaterThan(2);
            assertThat(sales).extracting(PosTransaction::getCardType).containsOnly(CardType.CREDIT);
        });
    }
}
