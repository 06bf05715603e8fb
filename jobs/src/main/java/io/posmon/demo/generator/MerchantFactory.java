package io.posmon.demo.generator;

import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.SettlementAccountType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Makes the merchant population: mostly small normal shops, and ten planted cases at fixed numbers. */
final class MerchantFactory {

    /** A planted merchant's forced profile; the rest of its profile is drawn like any other. */
    private record Plant(PlantedCase kind, String mcc, MerchantScale scale, MerchantStatus status,
                         SettlementAccountType account) {
    }

    // Two per kind, chosen so each trips mainly its own rule (see PlantedTraffic for the traffic).
    private static final List<Plant> PLANTS = List.of(
            new Plant(PlantedCase.DAILY_CREDIT_LIMIT, "5411", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.DAILY_CREDIT_LIMIT, "5812", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.VOLUME_JUMP, "5651", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.VOLUME_JUMP, "7230", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.LARGE_ROUND_AMOUNTS, "5944", MerchantScale.MEDIUM, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.LARGE_ROUND_AMOUNTS, "5094", MerchantScale.MEDIUM, MerchantStatus.ACTIVE, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.SUSPENDED_MERCHANT_ACTIVITY, "5812", MerchantScale.MICRO, MerchantStatus.SUSPENDED, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.SUSPENDED_MERCHANT_ACTIVITY, "5499", MerchantScale.MICRO, MerchantStatus.TERMINATED, SettlementAccountType.CORPORATE),
            new Plant(PlantedCase.PERSONAL_SETTLEMENT_ACCOUNT, "5499", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.PERSONAL),
            new Plant(PlantedCase.PERSONAL_SETTLEMENT_ACCOUNT, "5814", MerchantScale.SMALL, MerchantStatus.ACTIVE, SettlementAccountType.PERSONAL));

    private static final String[][] REGIONS = {
            {"CN-ZJ", "Hangzhou", "Ningbo", "Wenzhou"}, {"CN-BJ", "Beijing"}, {"CN-SH", "Shanghai"},
            {"CN-GD", "Guangzhou", "Shenzhen", "Dongguan"}, {"CN-JS", "Nanjing", "Suzhou", "Wuxi"},
            {"CN-SC", "Chengdu"}, {"CN-HB", "Wuhan"}, {"CN-FJ", "Xiamen", "Fuzhou"}, {"CN-SD", "Qingdao", "Jinan"}};
    private static final String[] BRANDS = {
            "West Lake", "Golden Dragon", "Lucky Star", "Jade Garden", "Red Lantern", "Peony", "Spring Breeze",
            "Great Wall", "Pearl River", "Lotus", "Harmony", "Fortune", "Bamboo Grove", "Silver Moon", "Phoenix",
            "Old Town", "Happy Family", "Sunrise", "Oriental", "Xinhua"};
    private static final String[] STREETS = {
            "Wensan", "Zhongshan", "Jiefang", "Renmin", "Huaihai", "Changan", "Tianhe", "Jianguo", "Heping",
            "Yan'an", "Dongfeng", "Xueyuan", "Binjiang", "Chaoyang"};
    private static final String[] STREET_KINDS = {"Road", "Street", "Avenue"};
    private static final int[] FEE_RATES_BPS = {38, 38, 38, 38, 60, 60, 60, 78, 78, 0};

    private MerchantFactory() {
    }

    /** Planted cases sit at numbers n x merchants / 20 for odd n (M000100, M000300, ... with 2,000 merchants). */
    static List<Merchant> create(GeneratorSettings settings) {
        SplittableRandom rng = new SplittableRandom(settings.seed() ^ 0x6D65726368616E74L);
        List<Merchant> merchants = new ArrayList<>(settings.merchants());
        for (int number = 1; number <= settings.merchants(); number++) {
            merchants.add(merchant(number, plantAt(number, settings.merchants()), settings.simulatedStart(), rng));
        }
        return merchants;
    }

    private static Plant plantAt(int number, int merchantCount) {
        for (int k = 0; k < PLANTS.size(); k++) {
            if (number == (2 * k + 1) * merchantCount / 20) {
                return PLANTS.get(k);
            }
        }
        return null;
    }

    private static Merchant merchant(int number, Plant plant, Instant start, SplittableRandom rng) {
        MccCatalog.Mcc mcc = plant != null ? MccCatalog.byCode(plant.mcc()) : MccCatalog.draw(rng);
        MerchantScale scale = plant != null ? plant.scale() : drawScale(rng);
        String[] region = REGIONS[rng.nextInt(REGIONS.length)];
        String city = region[1 + rng.nextInt(region.length - 1)];
        String name = city + " " + pick(BRANDS, rng) + " " + pick(mcc.shopNames(), rng);
        String address = "No. " + (1 + rng.nextInt(388)) + " " + pick(STREETS, rng) + " " + pick(STREET_KINDS, rng) + ", " + city;
        MerchantProfile profile = MerchantProfile.newBuilder()
                .setMerchantId(String.format("M%06d", number))
                .setName(name)
                .setMcc(mcc.code())
                .setAddress(address)
                .setRegion(region[0])
                .setScale(scale)
                .setFeeRateBps(FEE_RATES_BPS[rng.nextInt(FEE_RATES_BPS.length)])
                .setSettlementAccountType(plant != null ? plant.account() : SettlementAccountType.CORPORATE)
                .setStatus(plant != null ? plant.status() : MerchantStatus.ACTIVE)
                .setDailyCreditLimitMinor(null)
                .setUpdatedAt(start.minus(Duration.ofDays(1 + rng.nextInt(400))))
                .build();
        MccGroup group = mcc.group();
        NormalEnvelope envelope = NormalEnvelope.of(group, scale);
        // Tickets around the peer average, inside the group's range, and small enough that one
        // sale never fills the merchant's hourly envelope.
        long typicalTicket = group.typicalTicketMinor(scale);
        long minTicket = Math.max(group.minTicketMinor, typicalTicket / 3);
        long maxTicket = Math.min(Math.min(group.maxTicketMinor, typicalTicket * 5 / 2), envelope.hourAmountMinor() * 9 / 10);
        // Each merchant runs at 30-80% of a typical peer's day.
        double activity = group.typicalDayCount(scale) * (0.3 + 0.5 * rng.nextDouble());
        boolean background = plant == null || plant.kind() != PlantedCase.SUSPENDED_MERCHANT_ACTIVITY;
        int terminals = switch (scale) {
            case MICRO -> 1;
            case SMALL -> 2;
            case MEDIUM, LARGE -> 3;
        };
        return new Merchant(profile, group, terminals, envelope, minTicket, maxTicket, activity,
                plant == null ? null : plant.kind(), background);
    }

    private static MerchantScale drawScale(SplittableRandom rng) {
        int pick = rng.nextInt(100);
        return pick < 55 ? MerchantScale.MICRO : pick < 85 ? MerchantScale.SMALL : pick < 97 ? MerchantScale.MEDIUM : MerchantScale.LARGE;
    }

    private static String pick(String[] words, SplittableRandom rng) {
        return words[rng.nextInt(words.length)];
    }
}
