package io.posmon.rules.compiler;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.EngineConfig;
import io.posmon.operators.MccGroupTable;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.checks.DailyCreditLimitCheck;
import io.posmon.operators.checks.KeyedCheck;
import io.posmon.operators.checks.PersonalSettlementCheck;
import io.posmon.operators.checks.SuspendedMerchantCheck;
import io.posmon.operators.checks.VolumeJumpCheck;
import io.posmon.operators.patterns.LargeRoundAmountCondition;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.LargeRoundAmountsPattern;
import io.posmon.operators.contribution.ContributionConfig;
import io.posmon.rules.model.ContributionPolicy;
import io.posmon.rules.model.DailyCreditLimitRule;
import io.posmon.rules.model.TierPolicy;
import io.posmon.schema.ContributionSubject;
import io.posmon.schema.Tier;
import io.posmon.rules.model.EngineSettings;
import io.posmon.rules.model.LargeRoundAmountsRule;
import io.posmon.rules.model.MccGroups;
import io.posmon.rules.model.MccCodes;
import io.posmon.rules.model.MinorUnits;
import io.posmon.operators.patterns.AuthoredPattern;
import io.posmon.rules.model.PatternRule;
import io.posmon.rules.model.PersonalSettlementRule;
import io.posmon.rules.model.RuleDefinition;
import io.posmon.rules.model.RuleSet;
import io.posmon.rules.model.SuspendedMerchantRule;
import io.posmon.rules.model.VolumeJumpRule;
import io.posmon.rules.parser.RuleYamlMapper;
import io.posmon.schema.MerchantScale;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Turns a validated rule set into runtime checks, the way flink-cep's NFACompiler turns a Pattern
 * into an NFA: amounts become exact minor units, tables become arrays, ratios basis points.
 */
public final class RuleCompiler {

    private RuleCompiler() {
    }

    public static CompiledRules compile(RuleSet ruleSet) {
        EngineSettings e = ruleSet.engine();
        EngineConfig engine = new EngineConfig(e.timeZone().getId(), e.maxOutOfOrderness().toMillis(),
                e.allowedLateness().toMillis(), e.sourceIdleTimeout().toMillis(), e.dedupeHorizon().toMillis(),
                e.evidenceLimit(), e.maxEventTimeAhead().toMillis(), e.maxAmountMinor(),
                e.stateCacheKeys(), e.stateCacheWriteWindow());
        BusinessCalendar calendar = new BusinessCalendar(e.timeZone());
        MccGroupTable groups = mccTable(ruleSet.mccGroups());
        List<KeyedCheck> checks = new ArrayList<>();
        List<CompiledPattern> patterns = new ArrayList<>();
        for (RuleDefinition rule : ruleSet.rules()) {
            RuleInfo info = new RuleInfo(rule.id(), version(rule), rule.kind(), rule.severity(), rule.action(),
                    rule.description());
            if (rule instanceof DailyCreditLimitRule d) {
                checks.add(dailyLimit(d, info, calendar, engine.evidenceLimit()));
            } else if (rule instanceof VolumeJumpRule v) {
                checks.add(volumeJump(v, info, calendar, engine.evidenceLimit()));
            } else if (rule instanceof SuspendedMerchantRule s) {
                checks.add(new SuspendedMerchantCheck(info, s.params().statuses(), calendar));
            } else if (rule instanceof PersonalSettlementRule) {
                checks.add(new PersonalSettlementCheck(info));
            } else if (rule instanceof LargeRoundAmountsRule l) {
                patterns.add(largeRound(l, info, calendar, engine.evidenceLimit()));
            } else if (rule instanceof PatternRule pr) {
                patterns.add(authored(pr, info, calendar, engine.evidenceLimit()));
            } else {
                throw new IllegalArgumentException("no compiler for rule kind " + rule.kind());
            }
        }
        return new CompiledRules(engine, groups, checks, patterns,
                contribution(ruleSet, ContributionSubject.CUSTOMER, calendar),
                contribution(ruleSet, ContributionSubject.MERCHANT, calendar));
    }

    /** The contribution policy for customers or merchants; null when the rules directory has none. */
    static ContributionConfig contribution(RuleSet ruleSet, ContributionSubject subject, BusinessCalendar calendar) {
        ContributionPolicy c = ruleSet.contribution();
        if (c == null) {
            return null;
        }
        boolean customers = subject == ContributionSubject.CUSTOMER;
        ContributionPolicy.PointsFormula points = customers ? c.customers().points() : c.merchants().points();
        boolean[] excluded = new boolean[10_000];
        if (customers && c.customers().excludedMccs() != null) {
            for (String entry : c.customers().excludedMccs()) {
                int[] range = MccCodes.range(entry);
                for (int code = range[0]; code <= range[1]; code++) {
                    excluded[code] = true;
                }
            }
        }
        ContributionConfig.TierRules tiers = customers && ruleSet.tiers() != null ? tierRules(ruleSet.tiers()) : null;
        return new ContributionConfig(subject, calendar, c.currency(), c.allowedLateness().toMillis(),
                c.refundWindow().toMillis(), c.emitEvery().toMillis(), excluded,
                customers && c.customers().excludeZeroFeeMerchants(),
                customers ? MinorUnits.toMinor(c.customers().maxSinglePurchase(), c.currency()) : Long.MAX_VALUE,
                MinorUnits.toMinor(points.amountPerPoint(), c.currency()), points.instalmentBonusPercent(),
                MinorUnits.toMinor(points.feeRevenuePerPoint(), c.currency()), tiers,
                policyVersion(c, ruleSet.tiers()));
    }

    private static ContributionConfig.TierRules tierRules(TierPolicy t) {
        long[] minPoints = new long[Tier.values().length];
        t.bands().forEach(b -> minPoints[b.tier().ordinal()] = b.minPoints());
        boolean[] downgrade = new boolean[12];
        t.downgradeMonths().forEach(m -> downgrade[m.getValue() - 1] = true);
        int[] grace = new int[Tier.values().length];
        t.graceMonths().forEach((tier, months) -> grace[tier.ordinal()] = months);
        return new ContributionConfig.TierRules(minPoints, t.lookbackMonths(), downgrade, grace,
                t.regionThresholdPercent() == null ? Map.of() : Map.copyOf(t.regionThresholdPercent()),
                t.productFloors() == null ? Map.of() : Map.copyOf(t.productFloors()));
    }

    private static String policyVersion(ContributionPolicy c, TierPolicy t) {
        try {
            var json = RuleYamlMapper.canonicalJson();
            byte[] canonical = (json.writeValueAsString(c) + json.writeValueAsString(t)).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 6);
        } catch (JsonProcessingException | NoSuchAlgorithmException ex) {
            throw new IllegalStateException("cannot hash the contribution policy", ex);
        }
    }

    /** A rule's version is a hash of its content: any edit of the rule gives a new version. */
    static String version(RuleDefinition rule) {
        try {
            byte[] canonical = RuleYamlMapper.canonicalJson().writeValueAsString(rule).getBytes(StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (JsonProcessingException | NoSuchAlgorithmException ex) {
            throw new IllegalStateException("cannot hash rule " + rule.id(), ex);
        }
    }

    private static MccGroupTable mccTable(MccGroups groups) {
        String[] byCode = new String[10_000];
        groups.groups().forEach((name, entries) -> {
            for (String entry : entries) {
                int[] range = MccCodes.range(entry);
                for (int code = range[0]; code <= range[1]; code++) {
                    byCode[code] = name;
                }
            }
        });
        return new MccGroupTable(byCode, groups.fallback());
    }

    private static DailyCreditLimitCheck dailyLimit(DailyCreditLimitRule rule, RuleInfo info, BusinessCalendar calendar,
                                                    int evidenceLimit) {
        var p = rule.params();
        Map<String, long[]> limits = byScale(p.limits(), amount -> MinorUnits.toMinor(amount, p.currency()));
        return new DailyCreditLimitCheck(info, p.currency(), limits, MinorUnits.toMinor(p.unknownMerchantLimit(), p.currency()),
                p.warningPercent(), p.warningSeverity(), calendar, evidenceLimit);
    }

    private static VolumeJumpCheck volumeJump(VolumeJumpRule rule, RuleInfo info, BusinessCalendar calendar,
                                              int evidenceLimit) {
        var p = rule.params();
        VolumeJumpCheck.WindowSpec day = null;
        VolumeJumpCheck.WindowSpec hour = null;
        for (var w : p.windows()) {
            var spec = new VolumeJumpCheck.WindowSpec(MinorUnits.toBasisPoints(w.ratio()),
                    MinorUnits.toMinor(w.minAmount(), p.currency()), w.minCount());
            if (w.window() == VolumeJumpRule.Window.DAY) {
                day = spec;
            } else {
                hour = spec;
            }
        }
        boolean peers = p.insufficientHistory() == VolumeJumpRule.InsufficientHistory.PEER_TABLE;
        Map<String, long[]> peerAmount = peers
                ? byScale(p.peerBaseline().daily(), v -> MinorUnits.toMinor(v.amount(), p.currency())) : Map.of();
        Map<String, long[]> peerCount = peers ? byScale(p.peerBaseline().daily(), VolumeJumpRule.PeerVolume::count) : Map.of();
        int activeHours = peers ? p.peerBaseline().activeHoursPerDay() : 1;
        return new VolumeJumpCheck(info, p.currency(), p.baselineDays(), p.minHistoryDays(), peers, day, hour,
                peerAmount, peerCount, activeHours, calendar, evidenceLimit);
    }

    private static LargeRoundAmountsPattern largeRound(LargeRoundAmountsRule rule, RuleInfo info, BusinessCalendar calendar,
                                                       int evidenceLimit) {
        var p = rule.params();
        var condition = new LargeRoundAmountCondition(p.currency(), MinorUnits.toMinor(p.minAmount(), p.currency()),
                MinorUnits.toMinor(p.multipleOf(), p.currency()), p.cardTypes());
        return new LargeRoundAmountsPattern(info, condition, p.minCount(), p.within().toMillis(), p.currency(),
                evidenceLimit, calendar);
    }

    private static AuthoredPattern authored(PatternRule rule, RuleInfo info, BusinessCalendar calendar, int evidenceLimit) {
        var p = rule.params();
        List<AuthoredPattern.PartitionField> partitionBy = new ArrayList<>();
        if (p.partitionBy() == null) {
            partitionBy.add(AuthoredPattern.PartitionField.merchantId);
        } else {
            p.partitionBy().forEach(f -> partitionBy.add(AuthoredPattern.PartitionField.valueOf(f.name())));
        }
        List<AuthoredPattern.Step> steps = new ArrayList<>();
        for (PatternRule.Step s : p.steps()) {
            boolean orMore = s.timesOrMore() != null;
            int min = orMore ? s.timesOrMore() : s.times() == null ? 1 : s.times();
            steps.add(new AuthoredPattern.Step(s.name(), s.when(), min, orMore, Boolean.TRUE.equals(s.optional()),
                    s.contiguity() == PatternRule.Contiguity.STRICT));
        }
        return new AuthoredPattern(info, partitionBy, p.candidates(), p.within().toMillis(), steps, evidenceLimit, calendar);
    }

    private static <V> Map<String, long[]> byScale(Map<String, Map<MerchantScale, V>> table, ToLongFunction<V> value) {
        Map<String, long[]> out = new HashMap<>();
        table.forEach((group, row) -> {
            long[] cells = new long[MerchantScale.values().length];
            row.forEach((scale, v) -> cells[scale.ordinal()] = value.applyAsLong(v));
            out.put(group, cells);
        });
        return out;
    }

}
