package io.posmon.rules.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.model.RuleSet;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped rules load cleanly; each directory under broken-rules/ (a copy of the shipped engine.yaml and
 * mcc-groups.yaml plus a small merchant-risk.yaml, with exactly one defect) is refused with the file, line and
 * reason a rule author needs to fix it.
 */
class RuleSetLoaderTest {

    static final Path SHIPPED = Path.of("../rules");

    @Test
    void shippedRulesLoadWithoutProblemsAndCompile() throws Exception {
        List<RuleProblem> problems = new ArrayList<>();
        RuleSet rules = RuleSetLoader.load(SHIPPED, problems);

        assertThat(problems).isEmpty();
        assertThat(rules.engine().timeZone().getId()).isEqualTo("Asia/Shanghai");
        CompiledRules compiled = RuleCompiler.compile(rules);
        assertThat(compiled.rules()).extracting(r -> r.id()).containsExactlyInAnyOrder(
                "daily-credit-limit", "volume-jump", "large-round-amounts",
                "suspended-merchant-activity", "personal-settlement-account",
                "many-cards-one-customer", "repeated-identical-amounts", "night-sales-at-day-merchant");
        assertThat(compiled.keyedChecks()).hasSize(4);
        assertThat(compiled.patterns()).hasSize(4);
    }

    @ParameterizedTest(name = "{0}: {1}:{2} \"{3}\"")
    @CsvSource(delimiter = '|', textBlock = """
            yaml-syntax            | merchant-risk.yaml | 11 | not valid YAML
            unknown-kind           | merchant-risk.yaml |  4 | unknown rule kind 'DAILY_LIMIT'
            missing-severity       | merchant-risk.yaml |  3 | missing 'severity'
            misspelled-severity    | merchant-risk.yaml |  5 | HGH
            amount-three-decimals  | merchant-risk.yaml | 23 | amount 20000.005 has more decimals than CNY allows (2)
            warning-percent-120    | merchant-risk.yaml | 10 | warningPercent must be between 1 and 99, got 120
            duplicate-ids          | merchant-risk.yaml | 10 | rule id 'suspended-merchant-activity' is used by another rule
            limits-missing-group   | merchant-risk.yaml | 12 | 'limits' has no row for MCC group(s) [TRAVEL]
            row-missing-scale      | merchant-risk.yaml | 15 | row 'RETAIL' has no value for [LARGE]
            overlapping-mcc        | mcc-groups.yaml    | 12 | MCC 5411 is in group 'GROCERY' and in group 'RETAIL'
            invalid-time-zone      | engine.yaml        |  6 | 'Asia/Peking' is not a time zone
            duration-without-unit  | merchant-risk.yaml | 11 | a duration needs a unit
            ratio-not-above-one    | merchant-risk.yaml | 14 | ratio must be above 1
            min-count-one          | merchant-risk.yaml | 10 | minCount must be between 2 and 1000, got 1
            suspended-lists-active | merchant-risk.yaml |  9 | ACTIVE merchants may transact
            unknown-currency       | merchant-risk.yaml |  9 | 'RMB' is not an ISO 4217 currency code
            empty-file             | merchant-risk.yaml |  1 | empty file
            """)
    void brokenRuleFileIsRefusedAtTheDefect(String caseDir, String file, int line, String message) throws Exception {
        Path dir = broken(caseDir);

        assertThatThrownBy(() -> RuleSetLoader.load(dir)).isInstanceOf(RuleFileException.class);
        assertThat(problems(dir))
                .as("problems for %s", caseDir)
                .anySatisfy(p -> {
                    assertThat(p.file().getFileName()).hasToString(file);
                    assertThat(p.line()).isEqualTo(line);
                    assertThat(p.message()).contains(message);
                });
    }

    /** Semantic defects (found after binding) are reported once, with no follow-on noise. */
    @ParameterizedTest
    @ValueSource(strings = {"missing-severity", "amount-three-decimals", "warning-percent-120", "duplicate-ids",
            "limits-missing-group", "row-missing-scale", "overlapping-mcc", "ratio-not-above-one", "min-count-one",
            "suspended-lists-active", "unknown-currency"})
    void aSemanticDefectIsReportedExactlyOnce(String caseDir) throws Exception {
        assertThat(problems(broken(caseDir))).hasSize(1);
    }

    /** A file that does not bind may hold the missing section: no false "no rules"/"no engine:" follow-on. */
    @ParameterizedTest
    @ValueSource(strings = {"yaml-syntax", "unknown-key", "unknown-kind", "misspelled-severity", "invalid-time-zone",
            "duration-without-unit"})
    void aBindingDefectIsReportedExactlyOnce(String caseDir) throws Exception {
        assertThat(problems(broken(caseDir))).hasSize(1);
    }

    @Test
    void anEngineFileOfAnOlderVersionWithProfileCacheSizeStillLoads(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // A rule set in force in an older savepoint holds the key; it must compile when restored.
        for (Path f : java.nio.file.Files.newDirectoryStream(SHIPPED, "*.yaml")) {
            java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
        }
        Path engine = dir.resolve("engine.yaml");
        String text = java.nio.file.Files.readString(engine);
        assertThat(text).doesNotContain("profileCacheSize");
        java.nio.file.Files.writeString(engine, text.replace("  stateCacheKeys:", "  profileCacheSize: 100000\n  stateCacheKeys:"));
        assertThat(problems(dir)).isEmpty();

        java.nio.file.Files.writeString(engine, text.replace("  stateCacheKeys:", "  profileCacheSize: -1\n  stateCacheKeys:"));
        assertThat(problems(dir)).anySatisfy(p ->
                assertThat(p.message()).isEqualTo("profileCacheSize must be between 0 and 10000000, got -1"));
    }

    @Test
    void unknownKeyInARuleNamesTheKeyAndTheKeysThatAreAllowed() throws Exception {
        assertThat(problems(broken("unknown-key"))).anySatisfy(p -> {
            assertThat(p.file().getFileName()).hasToString("merchant-risk.yaml");
            assertThat(p.message()).isEqualTo(
                    "unknown key 'owner' (expected one of: action, description, id, kind, params, severity)");
        });
    }

    @Test
    void unknownKeyInARuleIsReportedOnTheKeysLine() throws Exception {
        assertThat(problems(broken("unknown-key"))).anySatisfy(p -> {
            assertThat(p.message()).contains("unknown key 'owner'");
            assertThat(p.line()).isEqualTo(7);
        });
    }

    @Test
    void yamlSyntaxErrorSaysWhatWasExpectedAndWhereTheListStarted() throws Exception {
        assertThat(problems(broken("yaml-syntax"))).anySatisfy(p -> {
            assertThat(p.message()).contains("expected ',' or ']'");
            assertThat(p.message()).contains("line 9");
        });
    }

    @Test
    void aDirectoryWithoutYamlFilesIsRefused(@org.junit.jupiter.api.io.TempDir Path empty) {
        assertThat(problems(empty)).anySatisfy(p -> assertThat(p.message()).contains("no *.yaml rule files"));
    }

    static Path broken(String caseDir) throws URISyntaxException {
        var url = RuleSetLoaderTest.class.getResource("/broken-rules/" + caseDir);
        assertThat(url).as("test resource broken-rules/%s", caseDir).isNotNull();
        return Path.of(url.toURI());
    }

    static List<RuleProblem> problems(Path dir) {
        List<RuleProblem> problems = new ArrayList<>();
        RuleSetLoader.load(dir, problems);
        return problems;
    }
}
