package io.posmon.rules.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Authored pattern rules are checked when loaded: expressions are type-checked (and cannot reach
 * Java, files or the network), problems point at the line and column inside the expression.
 */
class AuthoredPatternValidationTest {

    @TempDir
    Path dir;

    private List<RuleProblem> load(String rule) throws Exception {
        for (Path p : Files.list(Path.of("../rules")).toList()) {
            if (p.toString().endsWith("engine.yaml") || p.toString().endsWith("mcc-groups.yaml")) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Files.writeString(dir.resolve("pattern.yaml"), "rules:\n" + rule);
        List<RuleProblem> problems = new ArrayList<>();
        RuleSetLoader.load(dir, problems);
        return problems;
    }

    private static String rule(String params) {
        return """
                  - id: test-pattern
                    kind: AUTHORED_PATTERN
                    severity: LOW
                    action: REVIEW
                    description: a test
                    params:
                """ + params;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        // Type error: the column is the operator's, inside the quoted expression on line 10.
        "type error|      within: 1h\\n      steps:\\n        - name: a\\n          when: \"tx.amountMinor > 'abc'\"|11|33|found no matching overload for '_>_' applied to '(int, string)'",
        "not a boolean|      within: 1h\\n      steps:\\n        - name: a\\n          when: \"tx.amountMinor\"|11|20|expected type 'bool' but found 'int'",
        "unknown field|      within: 1h\\n      candidates: \"merchant.mccGrp == 'RETAIL'\"\\n      steps:\\n        - name: a\\n          when: \"true\"|9|20|unknown field 'merchant.mccGrp'; merchant has: mcc, mccGroup",
        "no matched in candidates|      within: 1h\\n      candidates: \"size(matched) == 0\"\\n      steps:\\n        - name: a\\n          when: \"true\"|9|25|unknown name 'matched'",
        "times and timesOrMore|      within: 1h\\n      steps:\\n        - name: a\\n          when: \"true\"\\n          times: 2\\n          timesOrMore: 3|13|11|write 'times' or 'timesOrMore', not both",
        "optional last step|      within: 1h\\n      steps:\\n        - name: a\\n          when: \"true\"\\n        - name: b\\n          when: \"true\"\\n          optional: true|14|11|the first and the last step cannot be optional",
        "duplicate step|      within: 1h\\n      steps:\\n        - name: a\\n          when: \"true\"\\n        - name: a\\n          when: \"true\"|12|11|step name 'a' is used twice",
        "unknown partition field|      within: 1h\\n      partitionBy: [merchantId, cardNumber]\\n      steps:\\n        - name: a\\n          when: \"true\"|9|33|'cardNumber' is not one of",
    })
    void aBrokenPatternRuleIsRefusedAtTheDefect(String name, String params, int line, int column, String message)
            throws Exception {
        List<RuleProblem> problems = load(rule(params.replace("\\n", "\n") + "\n"));

        assertThat(problems).as(name).singleElement().satisfies(p -> {
            assertThat(p.message()).contains(message);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.column()).isEqualTo(column);
        });
    }

    @Test
    void anExpressionCannotReachJava() throws Exception {
        List<RuleProblem> problems = load(rule("""
                      within: 1h
                      candidates: "java.lang.Runtime.getRuntime().exec('rm -rf /') == null"
                      steps:
                        - name: a
                          when: "true"
                """));

        assertThat(problems).first().satisfies(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.message()).contains("unknown name 'java.lang.Runtime.getRuntime'");
        });
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).startsWith("expression: "));
    }

    @Test
    void aProblemOnTheSecondLineOfAFoldedExpressionIsPlacedThere() throws Exception {
        List<RuleProblem> problems = load(rule("""
                      within: 1h
                      candidates: >-
                        tx.amountMinor >= 100000 &&
                        tx.cardTyp == 'CREDIT'
                      steps:
                        - name: a
                          when: "true"
                """));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(11);
            assertThat(p.column()).isEqualTo(9);
            assertThat(p.message()).contains("unknown field 'tx.cardTyp'");
        });
    }

    @Test
    void theShippedPatternRulesLoad() throws Exception {
        List<RuleProblem> problems = new ArrayList<>();
        RuleSetLoader.load(Path.of("../rules"), problems);
        assertThat(problems).isEmpty();
    }
}
