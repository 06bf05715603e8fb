package io.posmon.rules.parser;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when rule files do not parse or make no sense; carries every problem found. */
public class RuleFileException extends Exception {

    private final List<RuleProblem> problems;

    public RuleFileException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
