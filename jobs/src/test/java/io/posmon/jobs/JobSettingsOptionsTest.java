package io.posmon.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The switches that are on by default: picocli inverts a negatable option's default unless told otherwise. */
class JobSettingsOptionsTest {

    private static JobSettings parsed(String... args) {
        JobSettings s = new JobSettings();
        new CommandLine(s).parseArgs(args);
        return s;
    }

    @Test
    void switchesOnByDefaultAreTurnedOffByTheirNegativeFormAndOnByTheirPositiveForm() {
        assertEquals(true, parsed().fromEarliest);
        assertEquals(false, parsed("--no-from-earliest").fromEarliest);
        assertEquals(true, parsed("--from-earliest").fromEarliest);
        assertEquals(true, parsed().incrementalCheckpoints);
        assertEquals(false, parsed("--no-incremental-checkpoints").incrementalCheckpoints);
        assertEquals(true, parsed("--incremental-checkpoints").incrementalCheckpoints);
    }

    @Test
    void settingsBuiltInCodeHaveTheSameDefaultsAsTheCommandLine() {
        JobSettings inCode = new JobSettings();
        JobSettings parsed = parsed();
        assertEquals(parsed.fromEarliest, inCode.fromEarliest);
        assertEquals(parsed.incrementalCheckpoints, inCode.incrementalCheckpoints);
    }
}
