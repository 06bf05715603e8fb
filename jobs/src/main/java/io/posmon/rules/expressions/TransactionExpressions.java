package io.posmon.rules.expressions;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.posmon.operators.patterns.PatternCandidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The expression language of authored rules: Google's CEL (Common Expression Language), typed and
 * sandboxed. An expression sees only the variables below, never Java classes, files or the
 * network; it is type-checked when the rule file is loaded and must be a boolean.
 *
 * <pre>
 * tx.amountMinor int        tx.currency string       tx.cardType string (CREDIT, DEBIT, PREPAID)
 * tx.type string            tx.entryMode string      tx.installments int
 * tx.customerId string ("" when not the bank's card)  tx.cardToken string  tx.terminalId string
 * tx.merchantId string      tx.hourOfDay int (local) tx.dayOfWeek int (1 = Monday, local)
 * merchant.mcc string       merchant.mccGroup string merchant.scale string   merchant.region string
 * merchant.status string    merchant.settlementAccountType string  merchant.feeRateBps int
 * merchant.known bool (false when no profile has arrived)
 * matched map(string, list(map(string, dyn)))  (in step conditions only) the transactions already
 *         matched by each step, each with the tx fields without "tx.", e.g. matched.card[0].cardToken
 * </pre>
 */
public final class TransactionExpressions {

    /** A problem in an expression, at a 1-based line and column of the expression's text. */
    public record Problem(int line, int column, String message) {
    }

    private static final Map<String, CelType> TX = new LinkedHashMap<>();
    private static final Map<String, CelType> MERCHANT = new LinkedHashMap<>();

    static {
        for (String f : List.of("currency", "cardType", "type", "entryMode", "customerId", "cardToken", "terminalId",
                "merchantId", "transactionId")) {
            TX.put(f, SimpleType.STRING);
        }
        for (String f : List.of("amountMinor", "installments", "hourOfDay", "dayOfWeek", "eventTimeMillis")) {
            TX.put(f, SimpleType.INT);
        }
        for (String f : List.of("mcc", "mccGroup", "scale", "region", "status", "settlementAccountType")) {
            MERCHANT.put(f, SimpleType.STRING);
        }
        MERCHANT.put("feeRateBps", SimpleType.INT);
        MERCHANT.put("known", SimpleType.BOOL);
    }

    /** How each tx field is read from a candidate, by its name without "tx." (the names and types above). */
    private static final Map<String, Function<PatternCandidate, Object>> TX_FIELDS = Map.ofEntries(
            Map.entry("currency", c -> c.transaction.currency),
            Map.entry("cardType", c -> c.transaction.cardType.name()),
            Map.entry("type", c -> c.transaction.type.name()),
            Map.entry("entryMode", c -> orEmpty(c.entryMode)),
            Map.entry("customerId", c -> orEmpty(c.customerId)),
            Map.entry("cardToken", c -> orEmpty(c.cardToken)),
            Map.entry("terminalId", c -> orEmpty(c.terminalId)),
            Map.entry("merchantId", c -> c.merchantId),
            Map.entry("transactionId", c -> c.transaction.transactionId),
            Map.entry("amountMinor", c -> c.transaction.amountMinor),
            Map.entry("installments", c -> (long) c.installments),
            Map.entry("hourOfDay", c -> (long) c.hourOfDay),
            Map.entry("dayOfWeek", c -> (long) c.dayOfWeek),
            Map.entry("eventTimeMillis", c -> c.transaction.eventTime));

    /** Every variable of a condition by its full name, as it is read from a candidate. */
    private static final Map<String, Function<PatternCandidate, Object>> VARIABLES = variables();

    private static Map<String, Function<PatternCandidate, Object>> variables() {
        if (!TX_FIELDS.keySet().equals(TX.keySet())) {
            throw new IllegalStateException("tx fields declared and read differ: " + TX.keySet() + " / " + TX_FIELDS.keySet());
        }
        Map<String, Function<PatternCandidate, Object>> v = new HashMap<>();
        TX_FIELDS.forEach((name, read) -> v.put("tx." + name, read));
        v.put("merchant.mcc", c -> orEmpty(c.mcc));
        v.put("merchant.mccGroup", c -> orEmpty(c.mccGroup));
        v.put("merchant.scale", c -> c.scale == null ? "" : c.scale.name());
        v.put("merchant.region", c -> orEmpty(c.region));
        v.put("merchant.status", c -> orEmpty(c.merchantStatus));
        v.put("merchant.settlementAccountType", c -> orEmpty(c.settlementAccountType));
        v.put("merchant.feeRateBps", c -> (long) c.feeRateBps);
        v.put("merchant.known", c -> c.profileKnown);
        return Map.copyOf(v);
    }

    private static final Cel CANDIDATES = environment(false);
    private static final Cel STEPS = environment(true);

    private TransactionExpressions() {
    }

    private static Cel environment(boolean withMatched) {
        var builder = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.BOOL);
        TX.forEach((name, type) -> builder.addVar("tx." + name, type));
        MERCHANT.forEach((name, type) -> builder.addVar("merchant." + name, type));
        if (withMatched) {
            builder.addVar("matched", MapType.create(SimpleType.STRING,
                    ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN))));
        }
        return builder.build();
    }

    /** Type-checks an expression; {@code inStep} allows {@code matched}. */
    public static List<Problem> check(String expression, boolean inStep) {
        CelValidationResult result = (inStep ? STEPS : CANDIDATES).compile(expression);
        List<Problem> problems = new ArrayList<>();
        if (result.hasError()) {
            int coveredLine = -1;
            int coveredUntil = -1;
            for (CelIssue issue : result.getErrors()) {
                var at = issue.getSourceLocation();
                String message = issue.getMessage().replace(" (in container '')", "");
                // CEL reports each part of an unknown dotted name (a.b.c(...)); the first says it all.
                if (message.startsWith("undeclared reference") && at.getLine() == coveredLine
                        && at.getColumn() <= coveredUntil) {
                    continue;
                }
                String explained = explain(message, expression, at.getLine(), at.getColumn());
                if (explained.startsWith("unknown")) {
                    coveredLine = at.getLine();
                    coveredUntil = at.getColumn() + explained.replaceAll("^unknown \\w+ '([^']*)'.*", "$1").length();
                }
                problems.add(new Problem(Math.max(1, at.getLine()), Math.max(1, at.getColumn() + 1), explained));
            }
        }
        return problems;
    }

    /** "undeclared reference to 'tx'" says little: name the misspelt field and list the real ones. */
    private static String explain(String message, String expression, int line, int column) {
        if (!message.startsWith("undeclared reference to")) {
            return message;
        }
        String[] lines = expression.split("\\R", -1);
        if (line < 1 || line > lines.length || column < 0 || column >= lines[line - 1].length()) {
            return message;
        }
        String rest = lines[line - 1].substring(column);
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("^[A-Za-z_][A-Za-z0-9_.]*").matcher(rest);
        if (!name.find()) {
            return message;
        }
        String unknown = name.group();
        if (unknown.startsWith("tx.")) {
            return "unknown field '" + unknown + "'; tx has: " + String.join(", ", TX.keySet());
        }
        if (unknown.startsWith("merchant.")) {
            return "unknown field '" + unknown + "'; merchant has: " + String.join(", ", MERCHANT.keySet());
        }
        return "unknown name '" + unknown + "' (expressions see tx.*, merchant.* and, in steps, matched)";
    }

    /** The transactions each step of a match has taken so far, in order (flink-cep's condition context). */
    @FunctionalInterface
    public interface StepEvents {
        Iterable<PatternCandidate> of(String step) throws Exception;
    }

    /** The transactions one step has taken so far, as a list. */
    static List<PatternCandidate> taken(StepEvents events, String step) {
        List<PatternCandidate> taken = new ArrayList<>();
        try {
            for (PatternCandidate c : events.of(step)) {
                taken.add(c);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the events matched so far", e);
        }
        return taken;
    }

    /** A checked condition ready to run: compiled to Java where it can be ({@link JavaConditions}), else on CEL. */
    public static final class Condition {
        private final CelRuntime.Program program;
        private final JavaConditions.Compiled java;
        private final List<String> steps;

        private Condition(CelRuntime.Program program, JavaConditions.Compiled java, List<String> steps) {
            this.program = program;
            this.java = java;
            this.steps = steps;
        }

        /** Whether it runs as Java rather than on CEL's interpreter. */
        public boolean compiled() {
            return java != null;
        }

        /**
         * The tx fields (without "tx.") it reads from the transactions a match has taken; null when
         * not known (on CEL's interpreter, a matched transaction is a map it may read in any way).
         */
        public Set<String> matchedFieldsRead() {
            return java == null ? null : java.matchedFields();
        }

        /** A candidates condition. */
        public boolean test(PatternCandidate c) {
            return java != null ? java.test(c, null) : eval(program, c.expressionVariables());
        }

        /** A step condition: {@code matched} is read from {@code events} only when the condition asks for it. */
        public boolean test(PatternCandidate c, StepEvents events) {
            if (java != null) {
                return java.test(c, events);
            }
            CelVariableResolver tx = c.expressionVariables();
            Object[] matched = new Object[1];
            return eval(program, name -> {
                if (!name.equals("matched")) {
                    return tx.find(name);
                }
                if (matched[0] == null) {
                    matched[0] = matched(events);
                }
                return Optional.of(matched[0]);
            });
        }

        /** {@code matched} as CEL sees it: per step, a map of tx fields per transaction taken. */
        private Map<String, List<Map<String, Object>>> matched(StepEvents events) {
            Map<String, List<Map<String, Object>>> matched = new HashMap<>();
            for (String step : steps) {
                matched.put(step, taken(events, step).stream().map(TransactionExpressions::fields).toList());
            }
            return matched;
        }
    }

    /** A checked candidates condition, compiled once. */
    public static Condition condition(String expression) {
        return compile(expression, null);
    }

    /** A checked step condition of a pattern with these steps (which {@code matched} has), compiled once. */
    public static Condition stepCondition(String expression, List<String> steps) {
        return compile(expression, List.copyOf(steps));
    }

    private static Condition compile(String expression, List<String> steps) {
        Cel cel = steps != null ? STEPS : CANDIDATES;
        try {
            var ast = cel.compile(expression).getAst();
            return new Condition(cel.createProgram(ast), JavaConditions.compile(ast, VARIABLES, TX_FIELDS, TX, steps),
                    steps == null ? List.of() : steps);
        } catch (Exception e) {
            throw new IllegalArgumentException("expression does not compile: " + expression + ": " + e.getMessage(), e);
        }
    }

    /** A checked expression ready to run on CEL's interpreter. */
    public static CelRuntime.Program program(String expression, boolean inStep) {
        Cel cel = inStep ? STEPS : CANDIDATES;
        try {
            return cel.createProgram(cel.compile(expression).getAst());
        } catch (Exception e) {
            throw new IllegalArgumentException("expression does not compile: " + expression + ": " + e.getMessage(), e);
        }
    }

    /** The variables of one transaction, as the expressions see them, as a map (for tests and benchmarks). */
    public static Map<String, Object> variables(PatternCandidate c) {
        Map<String, Object> v = new HashMap<>(32);
        VARIABLES.forEach((name, read) -> v.put(name, read.apply(c)));
        return v;
    }

    /**
     * The variables of one transaction, read from the candidate when an expression asks for them: no
     * map is built per transaction (building one was a visible cost in the merchant operator).
     */
    public static CelVariableResolver resolver(PatternCandidate c) {
        return name -> Optional.ofNullable(variable(c, name));
    }

    /** One variable of {@link #resolver}; null for a name expressions do not have. */
    static Object variable(PatternCandidate c, String name) {
        Function<PatternCandidate, Object> read = VARIABLES.get(name);
        return read == null ? null : read.apply(c);
    }

    /** The tx fields of a matched transaction, for {@code matched}. */
    public static Map<String, Object> fields(PatternCandidate c) {
        Map<String, Object> f = new HashMap<>(20);
        TX_FIELDS.forEach((name, read) -> f.put(name, read.apply(c)));
        return f;
    }

    public static boolean eval(CelRuntime.Program program, Map<String, Object> variables) {
        return eval(program, (CelVariableResolver) name -> Optional.ofNullable(variables.get(name)));
    }

    public static boolean eval(CelRuntime.Program program, CelVariableResolver variables) {
        try {
            return Boolean.TRUE.equals(program.eval(variables));
        } catch (CelEvaluationException e) {
            // A runtime error (e.g. an index out of range) means "does not match", never a failed job.
            return false;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
