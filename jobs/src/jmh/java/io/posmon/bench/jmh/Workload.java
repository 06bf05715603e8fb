package io.posmon.bench.jmh;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.EngineConfig;
import io.posmon.operators.EvidenceItem;
import io.posmon.operators.MccGroupTable;
import io.posmon.operators.SeenTransaction;
import io.posmon.operators.TransactionContext;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmarks' input, built once per benchmark JVM: the shipped rules compiled as the job
 * compiles them, and the demo's merchant population (2,000 merchants, 50,000 cards, seed 42) with
 * its first {@value #TRANSACTIONS} transactions from 09:00 local on 2026-11-23 (about 80 minutes of a
 * working morning: sales, declines, voids, retransmissions and the planted cases).
 *
 * <p>The rules directory is the system property {@code posmon.rules}, by default {@code ../rules}
 * (the benchmark JVMs run in {@code jobs/}).
 */
final class Workload {

    /** A power of two, so the benchmarks step through the transactions with a mask. */
    static final int TRANSACTIONS = 8192;

    private static Workload loaded;

    final CompiledRules rules;
    final EngineConfig engine;
    final BusinessCalendar calendar;
    final MccGroupTable groups;
    final Map<String, MerchantProfile> profiles = new HashMap<>();
    /** As the generator sends them, in emission order. */
    final PosTransaction[] transactions;
    /** What the keyed checks and the pattern rules see: approved and first seen, in order. */
    final PosTransaction[] approved;
    /** Per approved transaction: the merchant's recent sales as the merchant operator passes them to the checks. */
    final List<List<EvidenceItem>> recentAt;
    /** What the merchant operator remembers of every first-seen transaction (for voids and reversals). */
    final Map<String, SeenTransaction> seen = new HashMap<>();

    static synchronized Workload get() throws Exception {
        if (loaded == null) {
            loaded = new Workload();
        }
        return loaded;
    }

    private Workload() throws Exception {
        Path dir = Path.of(System.getProperty("posmon.rules", "../rules"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no rules directory at " + dir.toAbsolutePath()
                    + " (run from jobs/, or set -Dposmon.rules=...)");
        }
        rules = RuleCompiler.compile(RuleSetLoader.load(dir));
        engine = rules.engine();
        calendar = new BusinessCalendar(engine.zone());
        groups = rules.mccGroups();

        Instant start = LocalDate.of(2026, 11, 23).atTime(LocalTime.of(9, 0)).atZone(engine.zone()).toInstant();
        GeneratorSettings settings = new GeneratorSettings(42, 2_000, 50_000, 400, start,
                GeneratorSettings.realisticSpeed(400, 2_000), engine.zone());
        TrafficGenerator generator = new TrafficGenerator(settings);
        generator.merchantProfiles().forEach(p -> profiles.put(p.getMerchantId(), p));
        List<PosTransaction> all = new ArrayList<>(TRANSACTIONS);
        for (Instant from = start; all.size() < TRANSACTIONS; from = from.plus(Duration.ofMinutes(10))) {
            for (PosTransaction tx : generator.transactionsBetween(from, from.plus(Duration.ofMinutes(10)))) {
                if (all.size() < TRANSACTIONS) {
                    all.add(tx);
                }
            }
        }
        transactions = all.toArray(new PosTransaction[0]);

        // What MerchantRiskFunction does before its checks: drop retransmissions, remember every
        // first-seen transaction, keep only approved ones, and keep each merchant's recent sales.
        List<PosTransaction> passed = new ArrayList<>();
        List<List<EvidenceItem>> recent = new ArrayList<>();
        Map<String, List<EvidenceItem>> recentByMerchant = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (PosTransaction tx : transactions) {
            if (!ids.add(tx.getTransactionId())) {
                continue;
            }
            boolean ok = tx.getStatus() == TransactionStatus.APPROVED;
            boolean saleLike = tx.getType() == TransactionType.SALE || tx.getType() == TransactionType.PREAUTH_COMPLETION;
            SeenTransaction first = new SeenTransaction();
            first.eventTime = tx.getEventTime().toEpochMilli();
            first.amountMinor = tx.getAmountMinor();
            first.businessDay = calendar.businessDay(first.eventTime);
            first.creditSale = ok && saleLike && tx.getCardType() == CardType.CREDIT;
            seen.put(tx.getTransactionId(), first);
            if (!ok) {
                continue;
            }
            List<EvidenceItem> items = recentByMerchant.computeIfAbsent(tx.getMerchantId(), m -> new ArrayList<>());
            boolean undo = (tx.getType() == TransactionType.VOID || tx.getType() == TransactionType.REVERSAL)
                    && tx.getOriginalTransactionId() != null;
            if (undo) {
                items.removeIf(e -> e.transactionId.equals(tx.getOriginalTransactionId()));
            }
            List<EvidenceItem> given = List.of();
            if (saleLike) {
                if (items.size() >= engine.evidenceLimit()) {
                    items.remove(0);
                }
                items.add(EvidenceItem.of(tx));
                given = List.copyOf(items);
            }
            passed.add(tx);
            recent.add(given);
        }
        approved = passed.toArray(new PosTransaction[0]);
        recentAt = recent;
        System.out.printf("workload: %d rules from %s, %d merchants, %d transactions (%d approved first-seen)"
                        + " from %s to %s local%n", rules.rules().size(), dir.toAbsolutePath().normalize(),
                profiles.size(), transactions.length, approved.length,
                calendar.localDateTime(transactions[0].getEventTime().toEpochMilli()),
                calendar.localDateTime(transactions[transactions.length - 1].getEventTime().toEpochMilli()));
    }

    /** The merchant operator's view of approved transaction {@code i}, built as it builds it. */
    TransactionContext context(int i, TransactionContext.SeenLookup lookup) {
        PosTransaction tx = approved[i];
        return new TransactionContext(tx, calendar, profiles.get(tx.getMerchantId()), groups, recentAt.get(i), lookup);
    }

    /** Looks up {@link #seen}; the checks never write through it (the operator does that after them). */
    TransactionContext.SeenLookup seenLookup() {
        return new TransactionContext.SeenLookup() {
            @Override
            public SeenTransaction get(String transactionId) {
                return seen.get(transactionId);
            }

            @Override
            public void put(String transactionId, SeenTransaction value) {
                throw new UnsupportedOperationException("the benchmarks do not persist undos");
            }
        };
    }
}
