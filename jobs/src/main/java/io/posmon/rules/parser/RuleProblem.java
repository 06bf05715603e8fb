package io.posmon.rules.parser;

import java.nio.file.Path;

/** One problem found in a rule file, printed the way compilers do: {@code file:line:column: message}. */
public record RuleProblem(Path file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
