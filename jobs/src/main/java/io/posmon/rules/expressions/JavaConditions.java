package io.posmon.rules.expressions;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import io.posmon.operators.patterns.PatternCandidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles the checked CEL conditions that rule authors mostly write into Java, once, when a rule is
 * put in force: comparisons, equality, {@code in} a list of constants, {@code &&}, {@code ||},
 * {@code !} and {@code ?:} over the transaction's and the merchant's variables and constants; and in
 * step conditions {@code matched.<step>}, its {@code [i]}, {@code size}, a matched transaction's
 * fields and the {@code exists} and {@code all} macros over it. CEL's interpreter costs about a
 * microsecond for such a condition (it resolves every name and dispatches every operator at every
 * evaluation, and {@code matched} meant a map per matched transaction); the compiled form a few
 * nanoseconds. Anything else (other macros, arithmetic, which can overflow, string functions) is not
 * compiled: it runs on CEL's interpreter, so this changes no result.
 *
 * <p>Errors follow CEL: an index out of range is an error, which {@code &&} and {@code ||} absorb
 * when their other side decides the result ({@code false && error} and {@code error && false} are
 * false), {@code exists} when another element is true, {@code all} when another is false; an error
 * left at the top means "does not match", as {@link TransactionExpressions#eval} has it.
 */
final class JavaConditions {

    /** A compiled (sub)expression: its value for one transaction; {@code s} is null when nothing reads matched. */
    interface Node {
        Object eval(PatternCandidate tx, Scope s);
    }

    /** A CEL evaluation error; thrown without a stack trace, as it is an answer ("no match"), not a fault. */
    static final class EvalError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final EvalError INSTANCE = new EvalError();

        private EvalError() {
            super("CEL evaluation error", null, false, false);
        }
    }

    /** A step condition's view of the match so far: each step's transactions, read once per evaluation. */
    static final class Scope {
        private final TransactionExpressions.StepEvents events;
        private final List<String> steps;
        private final List<PatternCandidate>[] read;
        final Object[] bound;

        @SuppressWarnings("unchecked")
        Scope(TransactionExpressions.StepEvents events, List<String> steps, int slots) {
            this.events = events;
            this.steps = steps;
            this.read = new List[steps.size()];
            this.bound = new Object[slots];
        }

        List<PatternCandidate> step(int index) {
            List<PatternCandidate> l = read[index];
            if (l == null) {
                l = TransactionExpressions.taken(events, steps.get(index));
                read[index] = l;
            }
            return l;
        }
    }

    /** A whole condition in Java. */
    static final class Compiled {
        private final Node root;
        private final List<String> steps;
        private final int slots;
        private final boolean readsMatched;
        private final Set<String> matchedFields;

        private Compiled(Node root, List<String> steps, int slots, boolean readsMatched, Set<String> matchedFields) {
            this.root = root;
            this.steps = steps;
            this.slots = slots;
            this.readsMatched = readsMatched;
            this.matchedFields = Set.copyOf(matchedFields);
        }

        /**
         * The fields of matched transactions the condition reads (names without "tx."): compiled, a
         * matched transaction is only ever read a field at a time ({@link #select}).
         */
        Set<String> matchedFields() {
            return matchedFields;
        }

        /** @param events the match so far, or null for a candidates condition (which cannot read it) */
        boolean test(PatternCandidate tx, TransactionExpressions.StepEvents events) {
            Scope s = readsMatched ? new Scope(events, steps, slots) : null;
            try {
                return (Boolean) root.eval(tx, s);
            } catch (EvalError e) {
                return false;
            }
        }
    }

    /** The type of a compiled node's value, as far as the compiled operators need it. */
    private enum Kind { BOOL, INT, STRING, TRANSACTIONS, TRANSACTION, OTHER }

    private record Typed(Node node, Kind kind) {
    }

    private static final Set<String> ROOT_NAMES = Set.of("tx", "merchant", "matched");

    private final CelAbstractSyntaxTree ast;
    private final Map<String, Function<PatternCandidate, Object>> variables;
    private final Map<String, Function<PatternCandidate, Object>> txFields;
    private final Map<String, CelType> txTypes;
    /** The pattern's step names, or null for a candidates condition. */
    private final List<String> steps;
    private final Map<String, Integer> bound = new HashMap<>();
    private int slots;
    private boolean readsMatched;
    private final Set<String> matchedFields = new HashSet<>();

    private JavaConditions(CelAbstractSyntaxTree ast, Map<String, Function<PatternCandidate, Object>> variables,
                           Map<String, Function<PatternCandidate, Object>> txFields, Map<String, CelType> txTypes,
                           List<String> steps) {
        this.ast = ast;
        this.variables = variables;
        this.txFields = txFields;
        this.txTypes = txTypes;
        this.steps = steps == null ? null : List.copyOf(steps);
    }

    /**
     * The expression in Java, or null when it uses anything this does not compile.
     *
     * @param variables every variable by its full name (tx.amountMinor), as read from a candidate
     * @param txFields  the fields of a matched transaction, by name without "tx.", as read from a candidate
     * @param txTypes   their types
     * @param steps     the pattern's steps, in a step condition; null in a candidates condition
     */
    static Compiled compile(CelAbstractSyntaxTree checked, Map<String, Function<PatternCandidate, Object>> variables,
                            Map<String, Function<PatternCandidate, Object>> txFields, Map<String, CelType> txTypes,
                            List<String> steps) {
        JavaConditions c = new JavaConditions(checked, variables, txFields, txTypes, steps);
        Typed root = c.node(checked.getExpr());
        if (root == null || root.kind() != Kind.BOOL) {
            return null;
        }
        return new Compiled(root.node(), c.steps == null ? List.of() : c.steps, c.slots, c.readsMatched, c.matchedFields);
    }

    private Typed node(CelExpr e) {
        if (e.getKind() == CelExpr.ExprKind.Kind.IDENT && bound.containsKey(e.ident().name())) {
            int slot = bound.get(e.ident().name());
            return new Typed((tx, s) -> s.bound[slot], Kind.TRANSACTION);
        }
        // A declared variable: dotted names (tx.amountMinor) parse as a selection the checker resolved.
        var reference = ast.getReference(e.id());
        if (reference.isPresent() && reference.get().value().isEmpty()
                && (e.getKind() == CelExpr.ExprKind.Kind.IDENT || e.getKind() == CelExpr.ExprKind.Kind.SELECT)) {
            Function<PatternCandidate, Object> read = variables.get(reference.get().name());
            return read == null ? null : new Typed((tx, s) -> read.apply(tx), kindOf(ast.getType(e.id()).orElse(null)));
        }
        return switch (e.getKind()) {
            case CONSTANT -> constant(e.constant());
            case CALL -> call(e.call());
            case SELECT -> select(e.select());
            case COMPREHENSION -> comprehension(e.comprehension());
            default -> null;
        };
    }

    private static Kind kindOf(CelType type) {
        if (SimpleType.BOOL.equals(type)) {
            return Kind.BOOL;
        }
        if (SimpleType.INT.equals(type)) {
            return Kind.INT;
        }
        return SimpleType.STRING.equals(type) ? Kind.STRING : Kind.OTHER;
    }

    private static Typed constant(CelConstant k) {
        Object value;
        Kind kind;
        switch (k.getKind()) {
            case BOOLEAN_VALUE -> {
                value = k.booleanValue();
                kind = Kind.BOOL;
            }
            case INT64_VALUE -> {
                value = k.int64Value();
                kind = Kind.INT;
            }
            case STRING_VALUE -> {
                value = k.stringValue();
                kind = Kind.STRING;
            }
            default -> {
                return null;
            }
        }
        return new Typed((tx, s) -> value, kind);
    }

    /** {@code matched.<step>}, or a field of a matched transaction ({@code m.cardToken}, {@code matched.first[0].amountMinor}). */
    private Typed select(CelExpr.CelSelect select) {
        if (select.testOnly()) {
            return null; // has(...)
        }
        CelExpr operand = select.operand();
        if (operand.getKind() == CelExpr.ExprKind.Kind.IDENT && !bound.containsKey(operand.ident().name())) {
            var reference = ast.getReference(operand.id());
            if (steps == null || reference.isEmpty() || !reference.get().name().equals("matched")) {
                return null;
            }
            int step = steps.indexOf(select.field());
            if (step < 0) {
                return null; // not a step of this pattern: an error on CEL, left to CEL
            }
            readsMatched = true;
            return new Typed((tx, s) -> s.step(step), Kind.TRANSACTIONS);
        }
        Typed of = node(operand);
        Function<PatternCandidate, Object> read = txFields.get(select.field());
        if (of == null || of.kind() != Kind.TRANSACTION || read == null) {
            return null;
        }
        matchedFields.add(select.field());
        Node transaction = of.node();
        return new Typed((tx, s) -> read.apply((PatternCandidate) transaction.eval(tx, s)), kindOf(txTypes.get(select.field())));
    }

    private Typed call(CelExpr.CelCall call) {
        List<CelExpr> args = call.args();
        if (call.target().isPresent()) {
            // list.size() is compiled; other method calls (e.g. s.startsWith(...)) are CEL's
            return call.function().equals("size") && args.isEmpty() ? size(node(call.target().get())) : null;
        }
        if (call.function().equals("@in") && args.size() == 2) {
            return in(args.get(0), args.get(1));
        }
        List<Typed> nodes = new ArrayList<>();
        for (CelExpr a : args) {
            Typed n = node(a);
            if (n == null) {
                return null;
            }
            nodes.add(n);
        }
        return switch (call.function() + "/" + nodes.size()) {
            case "_&&_/2" -> bools(nodes) ? logical(nodes.get(0).node(), nodes.get(1).node(), false) : null;
            case "_||_/2" -> bools(nodes) ? logical(nodes.get(0).node(), nodes.get(1).node(), true) : null;
            case "!_/1" -> bools(nodes) ? not(nodes.get(0).node()) : null;
            case "_?_:_/3" -> conditional(nodes.get(0), nodes.get(1), nodes.get(2));
            case "_==_/2" -> equal(nodes.get(0), nodes.get(1), true);
            case "_!=_/2" -> equal(nodes.get(0), nodes.get(1), false);
            case "_<_/2", "_<=_/2", "_>_/2", "_>=_/2" -> compare(call.function(), nodes.get(0), nodes.get(1));
            case "_[_]/2" -> index(nodes.get(0), nodes.get(1));
            case "size/1" -> size(nodes.get(0));
            default -> null;
        };
    }

    private static boolean bools(List<Typed> nodes) {
        return nodes.stream().allMatch(n -> n.kind() == Kind.BOOL);
    }

    /**
     * CEL's {@code &&} ({@code decisive} false) and {@code ||} (true): the decisive value on either
     * side is the result, even when the other side is an error.
     */
    private static Typed logical(Node a, Node b, boolean decisive) {
        return new Typed((tx, s) -> {
            boolean left;
            try {
                left = (Boolean) a.eval(tx, s);
            } catch (EvalError e) {
                if ((Boolean) b.eval(tx, s) == decisive) {
                    return decisive;
                }
                throw e;
            }
            return left == decisive ? decisive : (Boolean) b.eval(tx, s);
        }, Kind.BOOL);
    }

    private static Typed not(Node a) {
        return new Typed((tx, s) -> !(Boolean) a.eval(tx, s), Kind.BOOL);
    }

    private static Typed conditional(Typed test, Typed then, Typed otherwise) {
        if (test.kind() != Kind.BOOL || then.kind() != otherwise.kind() || then.kind() == Kind.OTHER) {
            return null;
        }
        Node t = test.node();
        Node a = then.node();
        Node b = otherwise.node();
        return new Typed((tx, s) -> (Boolean) t.eval(tx, s) ? a.eval(tx, s) : b.eval(tx, s), then.kind());
    }

    /**
     * Between two values of one of the compiled scalar types: equals() is CEL's equality. Other pairs
     * (e.g. an int and a string field of a matched transaction, which the checker lets through as dyn) are CEL's.
     */
    private static Typed equal(Typed a, Typed b, boolean equal) {
        if (a.kind() != b.kind() || !(a.kind() == Kind.BOOL || a.kind() == Kind.INT || a.kind() == Kind.STRING)) {
            return null;
        }
        Node x = a.node();
        Node y = b.node();
        return new Typed((tx, s) -> x.eval(tx, s).equals(y.eval(tx, s)) == equal, Kind.BOOL);
    }

    /** Ordering of ints only (strings and others: CEL's). */
    private static Typed compare(String function, Typed a, Typed b) {
        if (a.kind() != Kind.INT || b.kind() != Kind.INT) {
            return null;
        }
        Node x = a.node();
        Node y = b.node();
        Node n = switch (function) {
            case "_<_" -> (tx, s) -> (Long) x.eval(tx, s) < (Long) y.eval(tx, s);
            case "_<=_" -> (tx, s) -> (Long) x.eval(tx, s) <= (Long) y.eval(tx, s);
            case "_>_" -> (tx, s) -> (Long) x.eval(tx, s) > (Long) y.eval(tx, s);
            default -> (tx, s) -> (Long) x.eval(tx, s) >= (Long) y.eval(tx, s);
        };
        return new Typed(n, Kind.BOOL);
    }

    /** {@code matched.<step>[i]}: an error when i is out of range, as on CEL. */
    @SuppressWarnings("unchecked")
    private static Typed index(Typed list, Typed index) {
        if (list.kind() != Kind.TRANSACTIONS || index.kind() != Kind.INT) {
            return null;
        }
        Node l = list.node();
        Node i = index.node();
        return new Typed((tx, s) -> {
            List<PatternCandidate> events = (List<PatternCandidate>) l.eval(tx, s);
            long at = (Long) i.eval(tx, s);
            if (at < 0 || at >= events.size()) {
                throw EvalError.INSTANCE;
            }
            return events.get((int) at);
        }, Kind.TRANSACTION);
    }

    private static Typed size(Typed list) {
        if (list == null || list.kind() != Kind.TRANSACTIONS) {
            return null;
        }
        Node l = list.node();
        return new Typed((tx, s) -> (long) ((List<?>) l.eval(tx, s)).size(), Kind.INT);
    }

    /** {@code x in [constants]}: a set lookup. */
    private Typed in(CelExpr element, CelExpr list) {
        Typed x = node(element);
        if (x == null || list.getKind() != CelExpr.ExprKind.Kind.LIST) {
            return null;
        }
        Set<Object> members = new HashSet<>();
        for (CelExpr m : list.list().elements()) {
            if (m.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                return null;
            }
            Typed k = constant(m.constant());
            if (k == null || k.kind() != x.kind()) {
                return null;
            }
            members.add(k.node().eval(null, null));
        }
        Node element2 = x.node();
        return new Typed((tx, s) -> members.contains(element2.eval(tx, s)), Kind.BOOL);
    }

    /**
     * The {@code exists} and {@code all} macros over a step's matched transactions, recognised by the
     * comprehension the parser expands them to (accumulator false and {@code ||}, or true and {@code &&}).
     */
    @SuppressWarnings("unchecked")
    private Typed comprehension(CelExpr.CelComprehension c) {
        String accu = c.accuVar();
        String var = c.iterVar();
        if (!c.iterVar2().isEmpty() || ROOT_NAMES.contains(var) || bound.containsKey(var)
                || c.accuInit().getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || c.accuInit().constant().getKind() != CelConstant.Kind.BOOLEAN_VALUE
                || !isIdent(c.result(), accu) || c.loopStep().getKind() != CelExpr.ExprKind.Kind.CALL) {
            return null;
        }
        boolean exists = !c.accuInit().constant().booleanValue();
        CelExpr.CelCall step = c.loopStep().call();
        if (!step.function().equals(exists ? "_||_" : "_&&_") || step.args().size() != 2 || !isIdent(step.args().get(0), accu)) {
            return null;
        }
        Typed range = node(c.iterRange());
        if (range == null || range.kind() != Kind.TRANSACTIONS) {
            return null;
        }
        int slot = slots++;
        bound.put(var, slot);
        Typed predicate = node(step.args().get(1));
        bound.remove(var);
        if (predicate == null || predicate.kind() != Kind.BOOL) {
            return null;
        }
        Node events = range.node();
        Node test = predicate.node();
        return new Typed((tx, s) -> {
            boolean failed = false;
            for (PatternCandidate m : (List<PatternCandidate>) events.eval(tx, s)) {
                s.bound[slot] = m;
                try {
                    if ((Boolean) test.eval(tx, s) == exists) {
                        return exists; // exists: one true decides; all: one false
                    }
                } catch (EvalError e) {
                    failed = true;
                }
            }
            if (failed) {
                throw EvalError.INSTANCE;
            }
            return !exists;
        }, Kind.BOOL);
    }

    private static boolean isIdent(CelExpr e, String name) {
        return e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals(name);
    }
}
