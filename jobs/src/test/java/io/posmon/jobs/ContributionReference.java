package io.posmon.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The contribution figures computed the plain way, without the job's code: one pass over the
 * transactions in the order they were written, the policy values read from the YAML files, the
 * semantics as the policy's comments state them. What the job emits must equal this.
 */
final class ContributionReference {

    /** Figures of one subject and period, as the CRM receives them. */
    record Figures(long eligible, long excluded, int count, int distinct, long instalment, long fee,
                   Map<String, Long> byGroup, long points) {
    }

    private static final class Acc {
        long eligible;
        long excluded;
        int count;
        Set<String> counterparties = new HashSet<>();
        long instalment;
        long feeBasis;
        Map<String, Long> byGroup = new TreeMap<>();

        void add(long amount, boolean instalmentSale, int bps, String group) {
            eligible += amount;
            if (instalmentSale) {
                instalment += amount;
            }
            feeBasis += amount * bps;
            byGroup.merge(group, amount, Long::sum);
        }
    }

    private record Sale(long amount, boolean eligible, boolean instalment, int bps, String group, long[] remaining) {
    }

    private final ZoneId zone = ZoneId.of("Asia/Shanghai");
    private final Map<String, String> groupOfMcc = new HashMap<>();
    private final String fallbackGroup;
    private final Set<String> excludedMccs = new HashSet<>();
    private final long maxSingle;
    private final long customerAmountPerPoint;
    private final long customerInstalmentPercent;
    private final long customerFeePerPoint;
    private final long merchantAmountPerPoint;
    private final long merchantFeePerPoint;

    /** subject key ("CUSTOMER|C1" or "MERCHANT|M1") -> period ("2026-12-01" or "2026-12") -> figures. */
    private final Map<String, Map<String, Acc>> acc = new TreeMap<>();

    ContributionReference(Path rulesDir) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode mcc = yaml.readTree(rulesDir.resolve("mcc-groups.yaml").toFile()).get("mccGroups");
        fallbackGroup = mcc.get("fallback").asText();
        mcc.get("groups").fields().forEachRemaining(g -> g.getValue().forEach(entry -> {
            String[] b = entry.asText().split("-");
            int low = Integer.parseInt(b[0]);
            int high = b.length == 2 ? Integer.parseInt(b[1]) : low;
            for (int code = low; code <= high; code++) {
                groupOfMcc.put(String.format("%04d", code), g.getKey());
            }
        }));
        JsonNode c = yaml.readTree(rulesDir.resolve("contribution.yaml").toFile()).get("contribution");
        c.get("customers").get("excludedMccs").forEach(m -> excludedMccs.add(m.asText()));
        maxSingle = fen(c.get("customers").get("maxSinglePurchase"));
        customerAmountPerPoint = fen(c.get("customers").get("points").get("amountPerPoint"));
        customerInstalmentPercent = c.get("customers").get("points").get("instalmentBonusPercent").asLong();
        customerFeePerPoint = fen(c.get("customers").get("points").get("feeRevenuePerPoint"));
        merchantAmountPerPoint = fen(c.get("merchants").get("points").get("amountPerPoint"));
        merchantFeePerPoint = fen(c.get("merchants").get("points").get("feeRevenuePerPoint"));
    }

    private static long fen(JsonNode major) {
        return major.decimalValue().movePointRight(2).longValueExact();
    }

    /** Computes the figures of every subject and period from the transactions as written. */
    void run(List<PosTransaction> written, Map<String, MerchantProfile> profiles) {
        Set<String> seen = new HashSet<>();
        Set<String> undoneByVoidOrReversal = new HashSet<>();
        Map<String, Sale> sales = new HashMap<>();
        for (PosTransaction tx : written) {
            if (!seen.add(tx.getTransactionId()) || tx.getStatus() != TransactionStatus.APPROVED) {
                continue;
            }
            MerchantProfile m = profiles.get(tx.getMerchantId());
            int bps = m == null ? 0 : m.getFeeRateBps();
            String group = m == null ? fallbackGroup : groupOfMcc.getOrDefault(m.getMcc(), fallbackGroup);
            LocalDate day = tx.getEventTime().atZone(zone).toLocalDate();
            boolean sale = tx.getType() == TransactionType.SALE || tx.getType() == TransactionType.PREAUTH_COMPLETION;
            long amount = tx.getAmountMinor();

            // Merchant: all approved sales, less every undo and refund, at the current fee rate; a
            // second void or reversal of the same sale takes nothing more back.
            boolean voidOrReversal = tx.getType() == TransactionType.VOID || tx.getType() == TransactionType.REVERSAL;
            boolean repeated = voidOrReversal && !undoneByVoidOrReversal.add(String.valueOf(tx.getOriginalTransactionId()));
            for (Acc a : repeated ? List.<Acc>of() : periods("MERCHANT|" + tx.getMerchantId(), day)) {
                if (sale) {
                    a.count++;
                    a.counterparties.add(tx.getCardToken());
                    a.add(amount, tx.getInstallments() > 0, bps, group);
                } else {
                    a.add(-amount, tx.getInstallments() > 0, bps, group);
                }
            }
            if (tx.getCustomerId() == null) {
                continue;
            }
            String customer = "CUSTOMER|" + tx.getCustomerId();
            if (sale) {
                boolean eligible = (m == null || !excludedMccs.contains(m.getMcc()))
                        && !(m != null && m.getFeeRateBps() == 0)
                        && amount < maxSingle;
                sales.put(tx.getTransactionId(), new Sale(amount, eligible, tx.getInstallments() > 0, bps, group,
                        new long[] {amount}));
                for (Acc a : periods(customer, day)) {
                    a.count++;
                    a.counterparties.add(tx.getMerchantId());
                    if (eligible) {
                        a.add(amount, tx.getInstallments() > 0, bps, group);
                    } else {
                        a.excluded += amount;
                    }
                }
            } else {
                // Cash basis: an undo or refund counts in its own period, up to what is left of its sale.
                Sale original = sales.get(tx.getOriginalTransactionId());
                if (original == null || original.remaining()[0] <= 0) {
                    continue;
                }
                long taken = Math.min(amount, original.remaining()[0]);
                original.remaining()[0] -= taken;
                for (Acc a : periods(customer, day)) {
                    if (original.eligible()) {
                        a.add(-taken, original.instalment(), original.bps(), original.group());
                    } else {
                        a.excluded -= taken;
                    }
                }
            }
        }
    }

    private List<Acc> periods(String subject, LocalDate day) {
        Map<String, Acc> bySubject = acc.computeIfAbsent(subject, k -> new TreeMap<>());
        return List.of(bySubject.computeIfAbsent(day.toString(), k -> new Acc()),
                bySubject.computeIfAbsent(YearMonth.from(day).toString(), k -> new Acc()));
    }

    /** "CUSTOMER|C1|DAY|2026-12-01" -> figures, for every subject and period with a record. */
    Map<String, Figures> expected() {
        Map<String, Figures> out = new TreeMap<>();
        acc.forEach((subject, periods) -> periods.forEach((period, a) -> {
            boolean customer = subject.startsWith("CUSTOMER");
            long perPoint = customer ? customerAmountPerPoint : merchantAmountPerPoint;
            long feePerPoint = customer ? customerFeePerPoint : merchantFeePerPoint;
            long instalmentPercent = customer ? customerInstalmentPercent : 0;
            long fee = Math.floorDiv(a.feeBasis, 10_000L);
            long points = Math.max(0, Math.floorDiv(a.eligible, perPoint)
                    + Math.floorDiv(Math.max(0, a.instalment) * instalmentPercent, perPoint * 100)
                    + Math.floorDiv(fee, feePerPoint));
            String type = period.length() == 10 ? "DAY" : "MONTH";
            out.put(subject + "|" + type + "|" + period, new Figures(a.eligible, a.excluded, a.count,
                    a.counterparties.size(), a.instalment, fee, new TreeMap<>(a.byGroup), points));
        }));
        return out;
    }

    /** Points of the months of a subject, for the 6-month rolling check. */
    Map<String, Long> monthlyPoints(String subject) {
        Map<String, Long> points = new TreeMap<>();
        expected().forEach((key, f) -> {
            if (key.startsWith(subject + "|MONTH|")) {
                points.put(key.substring(key.lastIndexOf('|') + 1), f.points());
            }
        });
        return points;
    }
}
