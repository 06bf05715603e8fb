package io.posmon.rules.parser;

import io.posmon.rules.model.DailyCreditLimitRule;
import io.posmon.rules.model.EngineSettings;
import io.posmon.rules.model.LargeRoundAmountsRule;
import io.posmon.rules.model.MccCodes;
import io.posmon.rules.model.MccGroups;
import io.posmon.rules.model.MinorUnits;
import io.posmon.rules.expressions.TransactionExpressions;
import io.posmon.rules.model.PatternRule;
import io.posmon.rules.model.PersonalSettlementRule;
import io.posmon.rules.model.RuleDefinition;
import io.posmon.rules.model.SuspendedMerchantRule;
import io.posmon.rules.model.VolumeJumpRule;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.MerchantStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks that bound rule files make sense: ranges, complete tables, known currencies, no overlaps. */
final class RuleSetValidator {

    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private RuleSetValidator() {
    }

    static void engine(EngineSettings e, ProblemCollector p, String at) {
        p.require(e.timeZone(), at, "timeZone");
        durationBetween(p, at + "/maxOutOfOrderness", "maxOutOfOrderness", e.maxOutOfOrderness(), Duration.ZERO, Duration.ofHours(1));
        // The daily rules keep the current and the previous business day only: lateness must stay under a day.
        durationBetween(p, at + "/allowedLateness", "allowedLateness", e.allowedLateness(), Duration.ZERO, Duration.ofHours(23));
        durationBetween(p, at + "/sourceIdleTimeout", "sourceIdleTimeout", e.sourceIdleTimeout(), Duration.ofMillis(100), Duration.ofHours(1));
        durationBetween(p, at + "/dedupeHorizon", "dedupeHorizon", e.dedupeHorizon(), Duration.ofMinutes(1), Duration.ofDays(31));
        intBetween(p, at + "/evidenceLimit", "evidenceLimit", e.evidenceLimit(), 1, 100);
        if (e.profileCacheSize() != null) { // no longer read; optional (see EngineSettings)
            intBetween(p, at + "/profileCacheSize", "profileCacheSize", e.profileCacheSize(), 0, 10_000_000);
        }
        intBetween(p, at + "/stateCacheKeys", "stateCacheKeys", e.stateCacheKeys(), 1, 10_000_000);
        intBetween(p, at + "/stateCacheWriteWindow", "stateCacheWriteWindow", e.stateCacheWriteWindow(), 0, 100);
        durationBetween(p, at + "/maxEventTimeAhead", "maxEventTimeAhead", e.maxEventTimeAhead(), Duration.ofMinutes(1), Duration.ofDays(31));
        // Above 10^17 minor units, a few thousand such amounts could overflow a day's sum.
        if (p.require(e.maxAmountMinor(), at, "maxAmountMinor")
                && (e.maxAmountMinor() < 1 || e.maxAmountMinor() > 100_000_000_000_000_000L)) {
            p.at(at + "/maxAmountMinor", "maxAmountMinor must be between 1 and 100000000000000000 (minor units), got "
                    + e.maxAmountMinor());
        }
    }

    /** Returns the set of group names (fallback included) when the section is usable. */
    static Set<String> mccGroups(MccGroups g, ProblemCollector p, String at) {
        Set<String> names = new LinkedHashSet<>();
        if (!p.require(g.fallback(), at, "fallback") | !p.require(g.groups(), at, "groups")) {
            return names;
        }
        names.add(g.fallback());
        Map<Integer, String> owner = new java.util.HashMap<>();
        for (Map.Entry<String, List<String>> group : g.groups().entrySet()) {
            String gp = at + "/groups/" + group.getKey();
            if (group.getKey().equals(g.fallback())) {
                p.at(gp, "group '" + group.getKey() + "' is the fallback group; the fallback takes every code in no group and lists none");
            }
            names.add(group.getKey());
            if (group.getValue() == null || group.getValue().isEmpty()) {
                p.at(gp, "group '" + group.getKey() + "' lists no MCC");
                continue;
            }
            for (int i = 0; i < group.getValue().size(); i++) {
                String entry = group.getValue().get(i);
                String ep = gp + "/" + i;
                int[] range = MccCodes.range(entry);
                if (range == null) {
                    p.at(ep, "'" + entry + "' is not an MCC (4 digits, e.g. \"5411\") or a range (\"5300-5399\")");
                    continue;
                }
                for (int code = range[0]; code <= range[1]; code++) {
                    String previous = owner.putIfAbsent(code, group.getKey());
                    if (previous != null) {
                        p.at(ep, String.format("MCC %04d is in group '%s' and in group '%s'; a code may be in one group only",
                                code, previous, group.getKey()));
                        break;
                    }
                }
            }
        }
        return names;
    }

    static void rule(RuleDefinition r, Set<String> groups, ProblemCollector p, String at) {
        if (p.require(r.id(), at, "id") && !RULE_ID.matcher(r.id()).matches()) {
            p.at(at + "/id", "rule id '" + r.id() + "' must be lower-case letters, digits and '-' (at most 63)");
        }
        p.require(r.severity(), at, "severity");
        p.require(r.action(), at, "action");
        if (r instanceof DailyCreditLimitRule d) {
            dailyLimit(d, groups, p, at);
        } else if (r instanceof VolumeJumpRule v) {
            volumeJump(v, groups, p, at);
        } else if (r instanceof LargeRoundAmountsRule l) {
            largeRound(l, p, at);
        } else if (r instanceof SuspendedMerchantRule s) {
            suspended(s, p, at);
        } else if (r instanceof PersonalSettlementRule ps) {
            p.require(ps.params(), at, "params");
        } else if (r instanceof PatternRule pr) {
            pattern(pr, p, at);
        }
    }

    private static void dailyLimit(DailyCreditLimitRule r, Set<String> groups, ProblemCollector p, String at) {
        if (!p.require(r.params(), at, "params")) {
            return;
        }
        var params = r.params();
        String pp = at + "/params";
        boolean currencyOk = currency(params.currency(), p, pp);
        if (params.warningPercent() != null) {
            intBetween(p, pp + "/warningPercent", "warningPercent", params.warningPercent(), 1, 99);
            p.require(params.warningSeverity(), pp, "warningSeverity");
        }
        if (p.require(params.unknownMerchantLimit(), pp, "unknownMerchantLimit") && currencyOk) {
            positiveAmount(params.unknownMerchantLimit(), params.currency(), p, pp + "/unknownMerchantLimit");
        }
        if (p.require(params.limits(), pp, "limits") && currencyOk) {
            groupScaleTable(params.limits(), groups, p, pp + "/limits", "limits",
                    (amount, cell) -> positiveAmount(amount, params.currency(), p, cell));
        }
    }

    private static void volumeJump(VolumeJumpRule r, Set<String> groups, ProblemCollector p, String at) {
        if (!p.require(r.params(), at, "params")) {
            return;
        }
        var params = r.params();
        String pp = at + "/params";
        boolean currencyOk = currency(params.currency(), p, pp);
        intBetween(p, pp + "/baselineDays", "baselineDays", params.baselineDays(), 1, 366);
        if (params.baselineDays() != null) {
            intBetween(p, pp + "/minHistoryDays", "minHistoryDays", params.minHistoryDays(), 1, params.baselineDays());
        }
        p.require(params.insufficientHistory(), pp, "insufficientHistory");
        if (p.require(params.windows(), pp, "windows")) {
            if (params.windows().isEmpty()) {
                p.at(pp + "/windows", "'windows' lists no window");
            }
            Set<VolumeJumpRule.Window> seen = EnumSet.noneOf(VolumeJumpRule.Window.class);
            for (int i = 0; i < params.windows().size(); i++) {
                var w = params.windows().get(i);
                String wp = pp + "/windows/" + i;
                if (w == null) {
                    p.at(wp, "empty window entry");
                    continue;
                }
                if (p.require(w.window(), wp, "window") && !seen.add(w.window())) {
                    p.at(wp + "/window", "window " + w.window() + " is listed twice");
                }
                if (p.require(w.ratio(), wp, "ratio")) {
                    if (w.ratio().compareTo(BigDecimal.ONE) <= 0) {
                        p.at(wp + "/ratio", "ratio must be above 1 (a jump is volume above its baseline), got " + w.ratio().toPlainString());
                    } else if (w.ratio().stripTrailingZeros().scale() > 4 || w.ratio().compareTo(BigDecimal.valueOf(10000)) > 0) {
                        p.at(wp + "/ratio", "ratio must have at most 4 decimals and be at most 10000");
                    }
                }
                if (p.require(w.minAmount(), wp, "minAmount") && currencyOk) {
                    nonNegativeAmount(w.minAmount(), params.currency(), p, wp + "/minAmount");
                }
                intBetween(p, wp + "/minCount", "minCount", w.minCount(), 0, Integer.MAX_VALUE);
            }
        }
        if (params.insufficientHistory() == VolumeJumpRule.InsufficientHistory.PEER_TABLE
                && p.require(params.peerBaseline(), pp, "peerBaseline (insufficientHistory is PEER_TABLE)")) {
            var peer = params.peerBaseline();
            String bp = pp + "/peerBaseline";
            intBetween(p, bp + "/activeHoursPerDay", "activeHoursPerDay", peer.activeHoursPerDay(), 1, 24);
            if (p.require(peer.daily(), bp, "daily") && currencyOk) {
                groupScaleTable(peer.daily(), groups, p, bp + "/daily", "daily", (v, cell) -> {
                    if (p.require(v.amount(), cell, "amount")) {
                        nonNegativeAmount(v.amount(), params.currency(), p, cell + "/amount");
                    }
                    if (p.require(v.count(), cell, "count") && v.count() < 0) {
                        p.at(cell + "/count", "count must not be negative");
                    }
                });
            }
        }
    }

    private static void largeRound(LargeRoundAmountsRule r, ProblemCollector p, String at) {
        if (!p.require(r.params(), at, "params")) {
            return;
        }
        var params = r.params();
        String pp = at + "/params";
        boolean currencyOk = currency(params.currency(), p, pp);
        intBetween(p, pp + "/minCount", "minCount", params.minCount(), 2, 1000);
        durationBetween(p, pp + "/within", "within", params.within(), Duration.ofSeconds(1), Duration.ofDays(7));
        if (p.require(params.minAmount(), pp, "minAmount") && currencyOk) {
            positiveAmount(params.minAmount(), params.currency(), p, pp + "/minAmount");
        }
        if (p.require(params.multipleOf(), pp, "multipleOf") && currencyOk) {
            positiveAmount(params.multipleOf(), params.currency(), p, pp + "/multipleOf");
        }
        if (p.require(params.cardTypes(), pp, "cardTypes") && params.cardTypes().isEmpty()) {
            p.at(pp + "/cardTypes", "'cardTypes' lists no card type");
        }
    }

    private static final Pattern STEP_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,30}");

    private static void pattern(PatternRule r, ProblemCollector p, String at) {
        if (!p.require(r.params(), at, "params")) {
            return;
        }
        var params = r.params();
        String pp = at + "/params";
        if (params.candidates() != null) {
            expression(params.candidates(), false, p, pp + "/candidates");
        }
        durationBetween(p, pp + "/within", "within", params.within(), Duration.ofSeconds(1), Duration.ofDays(31));
        if (params.partitionBy() != null && params.partitionBy().isEmpty()) {
            p.at(pp + "/partitionBy", "'partitionBy' lists no field (leave it out to partition by merchantId)");
        }
        if (!p.require(params.steps(), pp, "steps")) {
            return;
        }
        if (params.steps().isEmpty()) {
            p.at(pp + "/steps", "'steps' lists no step");
        }
        Set<String> names = new HashSet<>();
        boolean anyRequired = false;
        for (int i = 0; i < params.steps().size(); i++) {
            var step = params.steps().get(i);
            String sp = pp + "/steps/" + i;
            if (step == null) {
                p.at(sp, "empty step");
                continue;
            }
            if (p.require(step.name(), sp, "name")) {
                if (!STEP_NAME.matcher(step.name()).matches()) {
                    p.at(sp + "/name", "step name '" + step.name() + "' must be a letter then letters, digits or '_'");
                } else if (!names.add(step.name())) {
                    p.at(sp + "/name", "step name '" + step.name() + "' is used twice");
                }
            }
            if (p.require(step.when(), sp, "when")) {
                expression(step.when(), true, p, sp + "/when");
            }
            if (step.times() != null && step.timesOrMore() != null) {
                p.at(sp + "/timesOrMore", "write 'times' or 'timesOrMore', not both");
            }
            if (step.times() != null && (step.times() < 1 || step.times() > 1000)) {
                p.at(sp + "/times", "times must be between 1 and 1000, got " + step.times());
            }
            if (step.timesOrMore() != null && (step.timesOrMore() < 1 || step.timesOrMore() > 1000)) {
                p.at(sp + "/timesOrMore", "timesOrMore must be between 1 and 1000, got " + step.timesOrMore());
            }
            boolean optional = Boolean.TRUE.equals(step.optional());
            if (optional && (i == 0 || i == params.steps().size() - 1)) {
                p.at(sp + "/optional", "the first and the last step cannot be optional (flink-cep needs them to match)");
            }
            anyRequired |= !optional;
            if (i == 0 && step.contiguity() != null) {
                p.at(sp + "/contiguity", "the first step follows nothing: leave 'contiguity' out");
            }
        }
        if (!params.steps().isEmpty() && !anyRequired) {
            p.at(pp + "/steps", "at least one step must not be optional");
        }
    }

    /** Type-checks an expression and reports each problem where it is in the file. */
    private static void expression(String text, boolean inStep, ProblemCollector p, String at) {
        for (TransactionExpressions.Problem problem : TransactionExpressions.check(text, inStep)) {
            p.inExpression(at, problem.line(), problem.column(), "expression: " + problem.message());
        }
    }

    private static void suspended(SuspendedMerchantRule r, ProblemCollector p, String at) {
        if (!p.require(r.params(), at, "params")) {
            return;
        }
        String pp = at + "/params";
        Set<MerchantStatus> statuses = r.params().statuses();
        if (p.require(statuses, pp, "statuses")) {
            if (statuses.isEmpty()) {
                p.at(pp + "/statuses", "'statuses' lists no status");
            } else if (statuses.contains(MerchantStatus.ACTIVE)) {
                p.at(pp + "/statuses", "ACTIVE merchants may transact; list only SUSPENDED and/or TERMINATED");
            }
        }
    }

    private static <V> void groupScaleTable(Map<String, Map<MerchantScale, V>> table, Set<String> groups,
                                            ProblemCollector p, String at, String key,
                                            java.util.function.BiConsumer<V, String> cellCheck) {
        Set<String> missing = new LinkedHashSet<>(groups);
        for (var row : table.entrySet()) {
            String rp = at + "/" + row.getKey();
            if (!groups.isEmpty() && !groups.contains(row.getKey())) {
                p.at(rp, "'" + row.getKey() + "' is not an MCC group (known: " + String.join(", ", groups) + ")");
                continue;
            }
            missing.remove(row.getKey());
            if (row.getValue() == null) {
                p.at(rp, "row '" + row.getKey() + "' is empty");
                continue;
            }
            Set<MerchantScale> scales = EnumSet.allOf(MerchantScale.class);
            for (var cell : row.getValue().entrySet()) {
                scales.remove(cell.getKey());
                String cp = rp + "/" + cell.getKey();
                if (cell.getValue() == null) {
                    p.at(cp, "no value for " + row.getKey() + "/" + cell.getKey());
                } else {
                    cellCheck.accept(cell.getValue(), cp);
                }
            }
            if (!scales.isEmpty()) {
                p.at(rp, "row '" + row.getKey() + "' has no value for " + scales);
            }
        }
        if (!missing.isEmpty()) {
            p.at(at, "'" + key + "' has no row for MCC group(s) " + missing + "; every group and the fallback need one");
        }
    }

    private static boolean currency(String code, ProblemCollector p, String at) {
        if (!p.require(code, at, "currency")) {
            return false;
        }
        try {
            Currency c = Currency.getInstance(code);
            if (c.getDefaultFractionDigits() < 0) {
                p.at(at + "/currency", "'" + code + "' has no minor unit");
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) {
            p.at(at + "/currency", "'" + code + "' is not an ISO 4217 currency code (e.g. CNY)");
            return false;
        }
    }

    private static void positiveAmount(BigDecimal amount, String currency, ProblemCollector p, String at) {
        if (amount.signum() <= 0) {
            p.at(at, "amount must be above zero, got " + amount.toPlainString());
        } else {
            nonNegativeAmount(amount, currency, p, at);
        }
    }

    private static void nonNegativeAmount(BigDecimal amount, String currency, ProblemCollector p, String at) {
        if (amount.signum() < 0) {
            p.at(at, "amount must not be negative, got " + amount.toPlainString());
            return;
        }
        try {
            long minor = MinorUnits.toMinor(amount, currency);
            // Leave room for sums and ratio arithmetic in minor units.
            if (minor > 1_000_000_000_000_000L) {
                p.at(at, "amount " + amount.toPlainString() + " is too large");
            }
        } catch (ArithmeticException e) {
            p.at(at, "amount " + amount.toPlainString() + " has more decimals than " + currency + " allows ("
                    + Currency.getInstance(currency).getDefaultFractionDigits() + ")");
        }
    }

    private static void intBetween(ProblemCollector p, String at, String key, Integer value, int min, int max) {
        String parent = at.substring(0, at.lastIndexOf('/'));
        if (p.require(value, parent, key) && (value < min || value > max)) {
            p.at(at, key + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void durationBetween(ProblemCollector p, String at, String key, Duration value, Duration min, Duration max) {
        String parent = at.substring(0, at.lastIndexOf('/'));
        if (p.require(value, parent, key) && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
            p.at(at, key + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    static void uniqueIds(List<String> ids, List<String> pointers, List<ProblemCollector> collectors) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id != null && !seen.add(id)) {
                collectors.get(i).at(pointers.get(i) + "/id", "rule id '" + id + "' is used by another rule");
            }
        }
    }
}
