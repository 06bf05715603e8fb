package io.posmon.rules.snapshot;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleProblem;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.RuleSetSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A rules directory as one publishable value: every rule file's text, with a version that is a
 * hash of them. A running job receives these on its rules topic and compiles them exactly as
 * {@code posmon rules validate} does, so what passes there passes in the job.
 */
public final class RuleSnapshots {

    private RuleSnapshots() {
    }

    /** The outcome of compiling a snapshot: the rules, or every problem as {@code file:line:column: message}. */
    public record Compiled(CompiledRules rules, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Reads every *.yaml / *.yml file of {@code directory} (not its subdirectories). */
    public static RuleSetSnapshot fromDirectory(Path directory, String publishedBy) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path f : (Iterable<Path>) listing.sorted()::iterator) {
                String name = f.getFileName().toString();
                if ((name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(f)) {
                    files.put(name, Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        return RuleSetSnapshot.newBuilder()
                .setVersion(version(files))
                .setFiles(new LinkedHashMap<>(files))
                .setPublishedAt(Instant.now())
                .setPublishedBy(publishedBy)
                .build();
    }

    /** A hash of the files' names and texts, in name order: equal files, equal version. */
    public static String version(Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
                sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.getValue().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates and compiles a snapshot's files, as the running job does before putting them in force. */
    public static Compiled compile(RuleSetSnapshot snapshot) {
        List<RuleProblem> problems = new ArrayList<>();
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : new TreeMap<>(stringKeys(snapshot.getFiles())).entrySet()) {
            String name = f.getKey();
            Path file = Path.of(name);
            if (name.contains("/") || name.contains("\\") || !(name.endsWith(".yaml") || name.endsWith(".yml"))) {
                problems.add(new RuleProblem(file, 1, 1, "not a rule file name (expected a plain name ending in .yaml)"));
                continue;
            }
            texts.put(file, f.getValue());
        }
        var ruleSet = RuleSetLoader.load(Path.of("."), texts, problems);
        if (!problems.isEmpty()) {
            return new Compiled(null, problems.stream().map(RuleProblem::toString).toList());
        }
        return new Compiled(RuleCompiler.compile(ruleSet), List.of());
    }

    /** Avro hands maps over with Utf8 keys and values; rule files are plain strings. */
    private static Map<String, String> stringKeys(Map<? extends CharSequence, ? extends CharSequence> files) {
        Map<String, String> plain = new LinkedHashMap<>();
        files.forEach((k, v) -> plain.put(k.toString(), v.toString()));
        return plain;
    }
}
