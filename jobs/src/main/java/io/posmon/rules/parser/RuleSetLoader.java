package io.posmon.rules.parser;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.posmon.rules.model.ContributionPolicy;
import io.posmon.rules.model.EngineSettings;
import io.posmon.rules.model.TierPolicy;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import io.posmon.rules.model.MccGroups;
import io.posmon.rules.model.RuleDefinition;
import io.posmon.rules.model.RuleExample;
import io.posmon.rules.model.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a rules directory: every *.yaml file in it, each holding one or more of the sections
 * {@code engine:}, {@code mccGroups:} and {@code rules:}. Every problem in every file is reported
 * (file, line, column, reason); a rule set with any problem is refused as a whole.
 */
public final class RuleSetLoader {

    private static final YAMLMapper YAML = RuleYamlMapper.yaml();

    private RuleSetLoader() {
    }

    public static RuleSet load(Path directory) throws RuleFileException {
        List<RuleProblem> problems = new ArrayList<>();
        RuleSet ruleSet = load(directory, problems);
        if (!problems.isEmpty()) {
            throw new RuleFileException(problems);
        }
        return ruleSet;
    }

    /** Loads what it can and adds every problem found to {@code problems}. */
    public static RuleSet load(Path directory, List<RuleProblem> problems) {
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path file : ruleFiles(directory, problems)) {
            try {
                texts.put(file, Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                problems.add(new RuleProblem(file, 1, 1, "cannot read: " + e.getMessage()));
                texts.put(file, null);
            }
        }
        return load(directory, texts, problems);
    }

    /**
     * Loads rule files given as texts, as a running job receives them in a published snapshot:
     * {@code texts} maps each file (as problems should name it) to its text, in file-name order;
     * a null text is a file that could not be read (already reported).
     */
    public static RuleSet load(Path directory, Map<Path, String> texts, List<RuleProblem> problems) {
        List<Path> files = new ArrayList<>(texts.keySet());
        if (texts.isEmpty() && problems.isEmpty()) {
            problems.add(new RuleProblem(directory, 1, 1, "no *.yaml rule files"));
        }
        Section<EngineSettings> engineSection = new Section<>("engine");
        Section<MccGroups> mccSection = new Section<>("mccGroups");
        Section<ContributionPolicy> contributionSection = new Section<>("contribution");
        Section<TierPolicy> tierSection = new Section<>("tiers");
        List<RuleDefinition> rules = new ArrayList<>();
        List<ProblemCollector> ruleAt = new ArrayList<>();
        List<String> rulePointers = new ArrayList<>();
        List<RuleExample> examples = new ArrayList<>();
        List<ProblemCollector> exampleAt = new ArrayList<>();
        List<String> examplePointers = new ArrayList<>();

        int unreadable = 0;
        for (Path file : files) {
            String text = texts.get(file);
            if (text == null) {
                unreadable++;
                continue;
            }
            if (text.isBlank()) {
                problems.add(new RuleProblem(file, 1, 1,
                        "empty file: expected an 'engine:', 'mccGroups:', 'rules:', 'contribution:' or 'tiers:' section"));
                unreadable++;
                continue;
            }
            RuleFile parsed;
            SourceLocations locations = null;
            try {
                locations = SourceLocations.scan(YAML.getFactory(), text);
                parsed = YAML.readValue(text, RuleFile.class);
            } catch (JsonProcessingException e) {
                problems.add(fromJackson(file, e, locations));
                unreadable++;
                continue;
            } catch (IOException e) {
                problems.add(new RuleProblem(file, 1, 1, "cannot read: " + e.getMessage()));
                unreadable++;
                continue;
            }
            ProblemCollector at = new ProblemCollector(file, locations, problems);
            if (parsed == null || (parsed.engine() == null && parsed.mccGroups() == null && parsed.rules() == null
                    && parsed.contribution() == null && parsed.tiers() == null && parsed.examples() == null)) {
                at.at("", "no 'engine:', 'mccGroups:', 'rules:', 'contribution:', 'tiers:' or 'examples:' section");
                continue;
            }
            engineSection.offer(parsed.engine(), at);
            mccSection.offer(parsed.mccGroups(), at);
            contributionSection.offer(parsed.contribution(), at);
            tierSection.offer(parsed.tiers(), at);
            if (parsed.examples() != null) {
                for (int i = 0; i < parsed.examples().size(); i++) {
                    if (parsed.examples().get(i) != null) {
                        examples.add(parsed.examples().get(i));
                        exampleAt.add(at);
                        examplePointers.add("/examples/" + i);
                    }
                }
            }
            if (parsed.rules() != null) {
                for (int i = 0; i < parsed.rules().size(); i++) {
                    if (parsed.rules().get(i) == null) {
                        at.at("/rules/" + i, "empty rule");
                        continue;
                    }
                    rules.add(parsed.rules().get(i));
                    ruleAt.add(at);
                    rulePointers.add("/rules/" + i);
                }
            }
        }

        Path first = files.isEmpty() ? directory : files.get(0);
        // A file that did not parse may hold the missing section: do not report the same fault twice.
        boolean sectionsKnown = unreadable == 0 && !files.isEmpty();
        EngineSettings engine = engineSection.value;
        MccGroups mccGroups = mccSection.value;
        if (engine == null && sectionsKnown) {
            problems.add(new RuleProblem(first, 1, 1, "no 'engine:' section in " + directory + " (time zone, lateness, ...)"));
        } else if (engine != null) {
            RuleSetValidator.engine(engine, engineSection.at, "/engine");
        }
        Set<String> groups = Set.of();
        if (mccGroups == null && sectionsKnown) {
            problems.add(new RuleProblem(first, 1, 1, "no 'mccGroups:' section in " + directory));
        } else if (mccGroups != null) {
            groups = RuleSetValidator.mccGroups(mccGroups, mccSection.at, "/mccGroups");
        }
        if (contributionSection.value != null) {
            PolicyValidator.contribution(contributionSection.value, contributionSection.at, "/contribution");
        }
        if (tierSection.value != null) {
            PolicyValidator.tiers(tierSection.value, tierSection.at, "/tiers");
        }
        if (rules.isEmpty() && !files.isEmpty() && sectionsKnown) {
            problems.add(new RuleProblem(directory, 1, 1, "no rules in any file of this directory"));
        }
        for (int i = 0; i < rules.size(); i++) {
            RuleSetValidator.rule(rules.get(i), groups, ruleAt.get(i), rulePointers.get(i));
        }
        RuleSetValidator.uniqueIds(rules.stream().map(RuleDefinition::id).collect(Collectors.toList()), rulePointers, ruleAt);
        Set<String> ruleIds = rules.stream().map(RuleDefinition::id).collect(Collectors.toSet());
        for (int i = 0; i < examples.size(); i++) {
            ExampleValidator.example(examples.get(i), ruleIds, exampleAt.get(i), examplePointers.get(i));
        }
        return new RuleSet(engine, mccGroups, List.copyOf(rules), contributionSection.value, tierSection.value,
                List.copyOf(examples));
    }

    /** A section that may appear in one file of the directory only. */
    private static final class Section<T> {
        private final String key;
        private T value;
        private ProblemCollector at;

        Section(String key) {
            this.key = key;
        }

        void offer(T candidate, ProblemCollector where) {
            if (candidate == null) {
                return;
            }
            if (value != null) {
                where.at("/" + key, "a second '" + key + ":' section (the first is in " + at.file() + ")");
                return;
            }
            value = candidate;
            at = where;
        }
    }

    private static List<Path> ruleFiles(Path directory, List<RuleProblem> problems) {
        if (!Files.isDirectory(directory)) {
            problems.add(new RuleProblem(directory, 1, 1, "not a directory of rule files"));
            return List.of();
        }
        try (Stream<Path> listing = Files.list(directory)) {
            List<Path> files = listing
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .collect(Collectors.toList());
            if (files.isEmpty()) {
                problems.add(new RuleProblem(directory, 1, 1, "no *.yaml rule files"));
            }
            return files;
        } catch (IOException e) {
            problems.add(new RuleProblem(directory, 1, 1, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    /**
     * Turns Jackson's message into one line an analyst can act on, placed at the key it is about:
     * Jackson's own position is where its parser stopped, which for a rule (buffered to read its
     * kind first) is the end of the rule.
     */
    private static RuleProblem fromJackson(Path file, JsonProcessingException e, SourceLocations locations) {
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            return fromYamlSyntax(file, yaml);
        }
        JsonLocation location = e.getLocation();
        if (e instanceof JsonMappingException m && locations != null && !m.getPath().isEmpty()) {
            // A wrong rule kind is reported on its 'kind' key, not at the start of the rule.
            String pointer = pointerOf(m) + (e instanceof InvalidTypeIdException ? "/kind" : "");
            JsonLocation atKey = locations.find(pointer);
            if (atKey != null) {
                location = atKey;
            }
        }
        int line = location == null ? 1 : Math.max(1, location.getLineNr());
        int column = location == null ? 1 : Math.max(1, location.getColumnNr());
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown key '" + u.getPropertyName() + "'"
                    + (u.getKnownPropertyIds() == null ? "" : " (expected one of: " + u.getKnownPropertyIds().stream()
                            .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
        } else if (e instanceof InvalidTypeIdException t) {
            message = t.getTypeId() == null
                    ? "rule has no 'kind'"
                    : "unknown rule kind '" + t.getTypeId() + "' (expected one of: DAILY_CREDIT_LIMIT, VOLUME_JUMP, "
                            + "LARGE_ROUND_AMOUNTS, SUSPENDED_MERCHANT_ACTIVITY, PERSONAL_SETTLEMENT_ACCOUNT, AUTHORED_PATTERN)";
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            message = "'" + f.getValue() + "' is not one of: " + java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", "))
                    + (f.getPath().isEmpty() ? "" : " (at '" + pathOf(f) + "')");
            if (String.valueOf(f.getValue()).matches("\\d+(\\.\\d+)?")) {
                // "SMALL: 50,000.00" inside {...} reads as SMALL: 50 and a key "000.00".
                message += "; a number with a thousands separator? write 50000.00, not 50,000.00";
            }
        } else if (analystMessage(e) != null) {
            message = analystMessage(e) + (e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? " (at '" + pathOf(m) + "')" : "");
        } else {
            message = e.getOriginalMessage()
                    .replaceAll("`[\\w.$]*\\.(\\w+)`", "$1")
                    .replaceAll("\\s*\\n.*", "");
            if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                message = "at '" + pathOf(m) + "': " + message;
            } else if (!(e instanceof JsonMappingException)) {
                message = "not valid YAML: " + message;
            }
        }
        return new RuleProblem(file, line, column, message);
    }

    /** The mistakes analysts make most, said in their terms; null for anything else. */
    private static String analystMessage(JsonProcessingException e) {
        String original = e.getOriginalMessage();
        Throwable cause = e.getCause();
        // Our own deserializers (durations, time zones) already say what to write.
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        if (e instanceof InvalidFormatException f && original != null && original.contains("from String \"")) {
            // "Cannot deserialize value of type Duration from String "5": a duration needs a unit" -> "'5': a duration ..."
            return "'" + f.getValue() + "': " + original.replaceAll("(?s).*?from String \".*?\": ", "")
                    .replaceAll("\\s*\\n.*", "");
        }
        if (e instanceof JsonMappingException m && m.getPath().size() > 0 && original != null) {
            Object value = e instanceof InvalidFormatException f ? f.getValue() : null;
            if (original.contains("Cannot coerce String value") || original.contains("from String")
                    && (original.contains("Integer") || original.contains("BigDecimal") || original.contains("Long"))) {
                String got = original.replaceAll("(?s).*?\\(\"(.*?)\"\\).*", "$1");
                return "write a plain number here: no %, no thousands separators, no quotes, no currency sign"
                        + (got.equals(original) ? "" : "; got '" + got + "'");
            }
            if (original.contains("from Floating-point value") || original.contains("from Integer value")) {
                return "expected a list or a table of keys here, got a number: check the indentation of this key"
                        + " and the lines after it";
            }
            if (original.contains("Floating-point value") && original.contains("to int")
                    || original.contains("Cannot coerce Floating-point")) {
                return "write a whole number here" + (value == null ? "" : ", got " + value);
            }
            if (original.contains("Duplicate field")) {
                return original.replaceAll("(?s)Duplicate field '(.*?)'.*", "key '$1' is written twice; keep one");
            }
        }
        if (original != null && original.startsWith("Duplicate field")) {
            return original.replaceAll("(?s)Duplicate field '(.*?)'.*", "key '$1' is written twice; keep one");
        }
        return null;
    }

    /** "not valid YAML: expected ',' or ']' (in the flow sequence started at line 9, column 17)". */
    private static RuleProblem fromYamlSyntax(Path file, MarkedYAMLException yaml) {
        Mark at = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
        String problem = yaml.getProblem() == null ? "syntax error" : yaml.getProblem();
        if (problem.contains("<block end>") || problem.contains("mapping values are not allowed")) {
            // The parser's words for a line indented differently from the keys around it.
            problem = "indentation: this line does not line up with the keys above it (YAML nests keys by indentation;"
                    + " use spaces, and the same indentation for keys of the same block)";
        }
        StringBuilder message = new StringBuilder("not valid YAML: ").append(problem);
        if (yaml.getContext() != null) {
            message.append(" (").append(yaml.getContext().replaceFirst("^while parsing (an? )?", "in the "));
            Mark context = yaml.getContextMark();
            if (context != null) {
                message.append(" started at line ").append(context.getLine() + 1)
                        .append(", column ").append(context.getColumn() + 1);
            }
            message.append(')');
        }
        return new RuleProblem(file, at == null ? 1 : at.getLine() + 1, at == null ? 1 : at.getColumn() + 1,
                message.toString());
    }

    private static String pointerOf(JsonMappingException m) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.toString();
    }

    private static String pathOf(JsonMappingException m) {
        return m.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
