package io.posmon.rules.parser;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects problems for one file, placing each at the key its JSON pointer names. */
final class ProblemCollector {

    private final Path file;
    private final SourceLocations locations;
    private final List<RuleProblem> problems;

    ProblemCollector(Path file, SourceLocations locations, List<RuleProblem> problems) {
        this.file = file;
        this.locations = locations;
        this.problems = problems;
    }

    void at(String pointer, String message) {
        JsonLocation location = locations == null ? null : locations.find(pointer);
        int line = location == null ? 1 : Math.max(1, location.getLineNr());
        int column = location == null ? 1 : Math.max(1, location.getColumnNr());
        problems.add(new RuleProblem(file, line, column, message));
    }

    /** A problem inside an expression value, placed at its own line and column in the file. */
    void inExpression(String pointer, int lineInValue, int columnInValue, String message) {
        int[] at = locations == null ? null : locations.insideValue(pointer, lineInValue, columnInValue);
        if (at == null) {
            at(pointer, message);
        } else {
            problems.add(new RuleProblem(file, at[0], at[1], message));
        }
    }

    /** Reports a missing value; returns true when it is present. */
    boolean require(Object value, String pointer, String key) {
        if (value == null) {
            at(pointer, "missing '" + key + "'");
            return false;
        }
        return true;
    }

    Path file() {
        return file;
    }

    List<RuleProblem> problems() {
        return new ArrayList<>(problems);
    }
}
