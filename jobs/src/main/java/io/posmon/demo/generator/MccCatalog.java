package io.posmon.demo.generator;

import java.util.List;
import java.util.SplittableRandom;

/** The MCCs generated merchants trade under, how common each is, and shop names that fit. */
final class MccCatalog {

    record Mcc(String code, MccGroup group, double weight, String... shopNames) {
    }

    static final List<Mcc> CODES = List.of(
            new Mcc("5411", MccGroup.GROCERY, 10, "Supermarket", "Fresh Market", "Grocery"),
            new Mcc("5499", MccGroup.GROCERY, 8, "Convenience Store", "Snack Shop", "Tea Leaf Shop"),
            new Mcc("5462", MccGroup.GROCERY, 3, "Bakery", "Cake Shop"),
            new Mcc("5812", MccGroup.RESTAURANT, 14, "Noodle House", "Hotpot Restaurant", "Dumpling House", "Roast Duck Restaurant"),
            new Mcc("5814", MccGroup.RESTAURANT, 8, "Fast Food", "Baozi Shop", "Milk Tea Shop"),
            new Mcc("5813", MccGroup.RESTAURANT, 2, "Tea House", "Bar"),
            new Mcc("5651", MccGroup.RETAIL, 6, "Fashion", "Clothing Store"),
            new Mcc("5311", MccGroup.RETAIL, 2, "Department Store"),
            new Mcc("5912", MccGroup.RETAIL, 4, "Pharmacy"),
            new Mcc("5942", MccGroup.RETAIL, 2, "Book Store"),
            new Mcc("5661", MccGroup.RETAIL, 2, "Shoe Store"),
            new Mcc("5941", MccGroup.RETAIL, 2, "Sports Goods"),
            new Mcc("5977", MccGroup.RETAIL, 2, "Cosmetics"),
            new Mcc("5992", MccGroup.RETAIL, 1, "Florist"),
            new Mcc("5944", MccGroup.JEWELRY_LUXURY, 2, "Jewellery", "Gold Shop"),
            new Mcc("5971", MccGroup.JEWELRY_LUXURY, 0.5, "Art Gallery"),
            new Mcc("5094", MccGroup.JEWELRY_LUXURY, 0.3, "Gold Wholesale"),
            new Mcc("5045", MccGroup.WHOLESALE, 1, "Computer Supplies"),
            new Mcc("5137", MccGroup.WHOLESALE, 1, "Garment Wholesale"),
            new Mcc("5111", MccGroup.WHOLESALE, 0.5, "Stationery Wholesale"),
            new Mcc("5511", MccGroup.AUTO, 0.7, "Auto Sales"),
            new Mcc("5533", MccGroup.AUTO, 1, "Auto Parts"),
            new Mcc("5532", MccGroup.AUTO, 0.5, "Tyre Centre"),
            new Mcc("7011", MccGroup.TRAVEL, 2, "Hotel", "Inn"),
            new Mcc("4722", MccGroup.TRAVEL, 1, "Travel Agency"),
            new Mcc("5712", MccGroup.HOME, 1, "Furniture"),
            new Mcc("5211", MccGroup.HOME, 1, "Building Materials"),
            new Mcc("5251", MccGroup.HOME, 1, "Hardware"),
            new Mcc("7230", MccGroup.SERVICES, 3, "Beauty Salon", "Hair Salon"),
            new Mcc("7210", MccGroup.SERVICES, 1, "Laundry"),
            new Mcc("8021", MccGroup.SERVICES, 1, "Dental Clinic"),
            new Mcc("8299", MccGroup.SERVICES, 1, "Training School"),
            new Mcc("7298", MccGroup.SERVICES, 1, "Spa"),
            // In no rule group: these fall back to OTHER.
            new Mcc("5732", MccGroup.OTHER, 2, "Electronics", "Mobile Phones"),
            new Mcc("7832", MccGroup.OTHER, 0.5, "Cinema"),
            new Mcc("4121", MccGroup.OTHER, 0.5, "Taxi Service"));

    private static final double TOTAL_WEIGHT = CODES.stream().mapToDouble(Mcc::weight).sum();

    private MccCatalog() {
    }

    static Mcc draw(SplittableRandom rng) {
        double pick = rng.nextDouble() * TOTAL_WEIGHT;
        for (Mcc mcc : CODES) {
            pick -= mcc.weight();
            if (pick < 0) {
                return mcc;
            }
        }
        return CODES.get(CODES.size() - 1);
    }

    static Mcc byCode(String code) {
        return CODES.stream().filter(m -> m.code().equals(code)).findFirst().orElseThrow();
    }
}
