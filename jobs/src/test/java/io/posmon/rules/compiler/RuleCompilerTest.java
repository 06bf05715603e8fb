package io.posmon.rules.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.operators.RuleInfo;
import io.posmon.operators.patterns.LargeRoundAmountCondition;
import io.posmon.operators.patterns.LargeRoundAmountsPattern;
import io.posmon.rules.model.MinorUnits;
import io.posmon.rules.model.RuleSet;
import io.posmon.rules.model.SuspendedMerchantRule;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.AlertKind;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.RecommendedAction;
import io.posmon.schema.Severity;
import io.posmon.testing.Tx;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCompilerTest {

    private static final Path SHIPPED = Path.of("../rules");

    @Test
    void ruleVersionsAreStableForTheSameContent() throws Exception {
        assertThat(versions(SHIPPED)).isEqualTo(versions(SHIPPED))
                .allSatisfy((id, v) -> assertThat(v).matches("[0-9a-f]{12}"));
    }

    @Test
    void commentsAndLayoutDoNotChangeRuleVersions(@TempDir Path tmp) throws Exception {
        // Strip every full-line comment and blank line: same rules, different text.
        Path dir = copyShipped(tmp, text -> text.lines()
                .filter(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(versions(dir)).isEqualTo(versions(SHIPPED));
    }

    @Test
    void changingOneParameterChangesOnlyThatRulesVersion(@TempDir Path tmp) throws Exception {
        Path dir = copyShipped(tmp, text -> text.replace("warningPercent: 80", "warningPercent: 85"));
        Map<String, String> before = versions(SHIPPED);
        Map<String, String> after = versions(dir);

        assertThat(after.get("daily-credit-limit")).isNotEqualTo(before.get("daily-credit-limit"));
        before.remove("daily-credit-limit");
        after.remove("daily-credit-limit");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void changingAnAmountByOneFenChangesTheVersion(@TempDir Path tmp) throws Exception {
        Path dir = copyShipped(tmp, text -> text.replace("unknownMerchantLimit: 20000.00", "unknownMerchantLimit: 20000.01"));

        assertThat(versions(dir).get("daily-credit-limit")).isNotEqualTo(versions(SHIPPED).get("daily-credit-limit"));
    }

    @Test
    void ruleVersionDoesNotDependOnTheIterationOrderOfASet() throws Exception {
        RuleSet shipped = RuleSetLoader.load(SHIPPED);
        String a = versionOf(shipped, suspended(MerchantStatus.SUSPENDED, MerchantStatus.TERMINATED));
        String b = versionOf(shipped, suspended(MerchantStatus.TERMINATED, MerchantStatus.SUSPENDED));

        assertThat(a).isEqualTo(b);
    }

    @Test
    void majorUnitAmountsBecomeExactMinorUnits() {
        assertThat(MinorUnits.toMinor(new BigDecimal("20000.00"), "CNY")).isEqualTo(2_000_000L);
        assertThat(MinorUnits.toMinor(new BigDecimal("0.29"), "CNY")).isEqualTo(29L); // 0.29 * 100 is 28.999... in double
        assertThat(MinorUnits.toMinor(new BigDecimal("5000"), "CNY")).isEqualTo(500_000L);
        assertThat(MinorUnits.toMinor(new BigDecimal("1000"), "JPY")).isEqualTo(1000L);
        assertThat(MinorUnits.toMinor(new BigDecimal("1.234"), "KWD")).isEqualTo(1234L);
        assertThatThrownBy(() -> MinorUnits.toMinor(new BigDecimal("0.005"), "CNY")).isInstanceOf(ArithmeticException.class);
        assertThat(MinorUnits.toBasisPoints(new BigDecimal("3.0"))).isEqualTo(30_000L);
        assertThat(MinorUnits.toBasisPoints(new BigDecimal("1.0001"))).isEqualTo(10_001L);
    }

    @Test
    void compiledPatternConditionUsesExactMinorUnits(@TempDir Path tmp) throws Exception {
        // 5000.18 yuan (= 0.29 x 17242) with a 0.29 multiple: a conversion through double could be off by one fen.
        Path dir = copyShipped(tmp, text -> text
                .replace("minAmount: 5000.00\n", "minAmount: 5000.18\n")
                .replace("multipleOf: 1000.00", "multipleOf: 0.29"));
        LargeRoundAmountCondition condition = RuleCompiler.compile(RuleSetLoader.load(dir)).patterns().stream()
                .filter(LargeRoundAmountsPattern.class::isInstance).map(LargeRoundAmountsPattern.class::cast).findFirst().orElseThrow().condition();

        long atMin = 500_018L;
        assertThat(condition.accepts(Tx.credit("t1", "M", "2026-11-23T10:00:00", atMin))).isTrue();
        assertThat(condition.accepts(Tx.credit("t2", "M", "2026-11-23T10:00:00", atMin - 29))).isFalse(); // below minimum
        assertThat(condition.accepts(Tx.credit("t3", "M", "2026-11-23T10:00:00", atMin + 1))).isFalse(); // not a multiple
        assertThat(condition.accepts(Tx.credit("t4", "M", "2026-11-23T10:00:00", atMin + 29))).isTrue();
    }

    @Test
    void compiledEngineSettingsAreInMillis() throws Exception {
        CompiledRules rules = RuleCompiler.compile(RuleSetLoader.load(SHIPPED));

        assertThat(rules.engine().maxOutOfOrdernessMillis()).isEqualTo(5_000L);
        assertThat(rules.engine().allowedLatenessMillis()).isZero();
        assertThat(rules.engine().dedupeHorizonMillis()).isEqualTo(2 * 86_400_000L);
        assertThat(rules.engine().evidenceLimit()).isEqualTo(10);
    }

    private static Map<String, String> versions(Path dir) throws Exception {
        return RuleCompiler.compile(RuleSetLoader.load(dir)).rules().stream()
                .collect(Collectors.toMap(RuleInfo::id, RuleInfo::version));
    }

    private static String versionOf(RuleSet base, SuspendedMerchantRule rule) {
        return RuleCompiler.compile(new RuleSet(base.engine(), base.mccGroups(), List.of(rule), base.contribution(), base.tiers())).rules().get(0).version();
    }

    private static SuspendedMerchantRule suspended(MerchantStatus... order) {
        return new SuspendedMerchantRule("suspended-merchant-activity", AlertKind.SUSPENDED_MERCHANT_ACTIVITY,
                Severity.CRITICAL, RecommendedAction.SUSPEND, "Approved transaction from a suspended merchant",
                new SuspendedMerchantRule.Params(new LinkedHashSet<>(List.of(order))));
    }

    private static Path copyShipped(Path tmp, UnaryOperator<String> edit) throws Exception {
        try (var files = Files.list(SHIPPED)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.writeString(tmp.resolve(f.getFileName().toString()), edit.apply(Files.readString(f)));
            }
        }
        return tmp;
    }

}
