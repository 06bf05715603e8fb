package io.posmon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A copy of a rules directory with nine more copies of its authored pattern rules, each under new
 * ids: the same traffic then meets ten times the authored rules (their alerts repeat under each id).
 */
final class TenfoldRules {

    private static final Pattern RULE_ID = Pattern.compile("(?m)^(\\s*- id:\\s*)(\\S+)");

    private TenfoldRules() {
    }

    static Path write(Path rulesDir, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(rulesDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        // The rules without their examples (an example names the rules it expects by id).
        String authored = Files.readString(rulesDir.resolve("authored-patterns.yaml")).split("(?m)^examples:", 2)[0];
        for (int copy = 2; copy <= 10; copy++) {
            String suffix = "-copy" + copy;
            Matcher m = RULE_ID.matcher(authored);
            String renamed = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + r.group(2) + suffix));
            Files.writeString(target.resolve("authored-patterns" + suffix + ".yaml"), renamed);
        }
        return target;
    }
}
