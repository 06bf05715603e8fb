package io.posmon.rules.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invalid contribution and tier policies are refused with the file, the line and the reason. */
class PolicyValidationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: ''{1}'' -> line {3}")
    @CsvSource(delimiter = '|', value = {
        "contribution.yaml|  allowedLateness: 1d|  allowedLateness: 9d|8|allowedLateness must be between",
        "contribution.yaml|  currency: CNY|  currency: RMB|5|'RMB' is not an ISO 4217 currency code",
        "contribution.yaml|    maxSinglePurchase: 100000.00|    maxSinglePurchase: 100000.001|25|has more decimals than CNY allows",
        "contribution.yaml|      amountPerPoint: 100.00|      amountPerPoint: 0|31|amount must be above zero",
        "contribution.yaml|    excludedMccs: [\"4829\", \"6010\", \"6011\", \"6051\", \"7995\"]|    excludedMccs: [\"4829\", \"601\"]|19|'601' is not an MCC",
        "tiers.yaml|    - {tier: STAR_4, minPoints: 500}      # 500 - 2,000|    - {tier: STAR_4, minPoints: 40}|8|minPoints must be above the previous band's (50)",
        "tiers.yaml|    - {tier: STAR_4, minPoints: 500}      # 500 - 2,000|    - {tier: STAR_6, minPoints: 500}|8|bands must list the tiers in order from ENTRY up; expected STAR_4",
        "tiers.yaml|  lookbackMonths: 6|  lookbackMonths: 13|14|lookbackMonths must be between 1 and 12",
        "tiers.yaml|  downgradeMonths: [JUNE, DECEMBER]|  downgradeMonths: [JUNE, DECEMBRE]|16|'DECEMBRE' is not one of",
        "tiers.yaml|  graceMonths: {ENTRY: 0, STAR_3: 0, STAR_4: 1, STAR_5: 2, STAR_6: 3, STAR_7: 6}|  graceMonths: {ENTRY: 0, STAR_3: 0, STAR_4: 1, STAR_5: 2, STAR_6: 3}|20|graceMonths has no value for STAR_7",
        "tiers.yaml|    CN-SH: 150|    CN-SH: 0|24|percent must be between 1 and 1000",
    })
    void aBrokenPolicyIsRefusedAtItsLine(String file, String from, String to, int line, String message) throws Exception {
        for (Path p : Files.list(Path.of("../rules")).toList()) {
            Files.copy(p, dir.resolve(p.getFileName()));
        }
        Path target = dir.resolve(file);
        String text = Files.readString(target);
        assertThat(text).as("the shipped %s has the line to break", file).contains(from);
        Files.writeString(target, text.replace(from, to));

        List<RuleProblem> problems = new ArrayList<>();
        RuleSetLoader.load(dir, problems);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString(file);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(message);
        });
    }
}
