package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.model.RuleExample;
import io.posmon.rules.model.RuleSet;
import io.posmon.rules.parser.RuleSetLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The examples shipped in rules/ pass through the real job; a wrong expectation shows what differs. */
class RuleExamplesTest {

    private static final RuleSet SHIPPED = load();
    private static final RuleExampleRunner RUNNER = new RuleExampleRunner(RuleCompiler.compile(SHIPPED));

    private static RuleSet load() {
        try {
            return RuleSetLoader.load(Path.of("../rules"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<RuleExample> shippedExamples() {
        return SHIPPED.examples().stream();
    }

    @Test
    void everyShippedRuleKindHasAnExample() {
        assertThat(SHIPPED.examples().stream().flatMap(e -> e.rules().stream()).distinct())
                .containsExactlyInAnyOrderElementsOf(SHIPPED.rules().stream().map(r -> r.id()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedExamples")
    void shippedExamplePasses(RuleExample example) throws Exception {
        RuleExampleRunner.Outcome outcome = RUNNER.run(example);
        assertThat(outcome.missing()).as("missing").isEmpty();
        assertThat(outcome.unexpected()).as("unexpected").isEmpty();
    }

    @Test
    void aWrongExpectationShowsTheMissingAndTheUnexpectedAlert() throws Exception {
        RuleExample roundAmounts = SHIPPED.examples().stream()
                .filter(e -> e.rules().contains("large-round-amounts")).findFirst().orElseThrow();
        RuleExample wrong = new RuleExample(roundAmounts.name(), roundAmounts.rules(), roundAmounts.currency(),
                roundAmounts.merchants(), roundAmounts.transactions(),
                List.of(new RuleExample.Expected("large-round-amounts", "M3", null, List.of("R1", "R2", "R3"))));

        RuleExampleRunner.Outcome outcome = RUNNER.run(wrong);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.missing()).containsExactly("large-round-amounts at M3 TRIGGERED [R1, R2, R3]");
        assertThat(outcome.unexpected()).singleElement().asString()
                .startsWith("large-round-amounts at M3 TRIGGERED [R1, R3, R4]");
    }
}
