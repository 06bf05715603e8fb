package io.posmon.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads durations as people write them on a command line: {@code 10ms}, {@code 90s}, {@code 5m}, {@code 2h}.
 * Named on each Duration option (not only registered on posmon's command line) so that every command line
 * that carries the option, {@code ClusterTools}'s and the tests' included, reads it the same way.
 */
public final class DurationText implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        return parse(text);
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.length() > 1) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                switch (t.charAt(t.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    default: break;
                }
            }
        } catch (NumberFormatException e) {
            // reported below, in the same words as any other unreadable duration
        }
        throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (e.g. 10ms, 90s, 5m, 2h)");
    }
}
