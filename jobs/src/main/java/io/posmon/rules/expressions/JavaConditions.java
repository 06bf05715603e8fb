package io.posmon.rules.expressions;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import io.posmon.operators.patterns.PatternCandidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles the checked CEL conditions that rule authors mostly write into Java, once, when a rule is
 * put in force: comparisons, equality, {@code in} a list of constants, {@code &&}, {@code ||},
 * {@code !} and {@code ?:} over the transaction's and the merchant's variables and constants. CEL's
 * interpreter costs about a microsecond for such a condition (it resolves every name and dispatches
 * every operator at every evaluation); the compiled form a few nanoseconds. Anything else (macros,
 * {@code matched}, arithmetic, which can overflow and so fail in CEL) is not compiled: it runs on
 * CEL's interpreter, so this changes no result. Every compiled part cannot fail at run time (all its
 * variables always have a value, no operator can overflow), so evaluating {@code &&} and {@code ||}
 * from the left gives CEL's result, whose operators are commutative only to absorb errors.
 */
final class JavaConditions {

    /** A compiled (sub)expression: its value for one transaction. */
    interface Node {
        Object eval(PatternCandidate c);
    }

    private final CelAbstractSyntaxTree ast;
    private final Map<String, Function<PatternCandidate, Object>> variables;

    private JavaConditions(CelAbstractSyntaxTree ast, Map<String, Function<PatternCandidate, Object>> variables) {
        this.ast = ast;
        this.variables = variables;
    }

    /** The expression in Java, or null when it uses anything this does not compile. */
    static Node compile(CelAbstractSyntaxTree checked, Map<String, Function<PatternCandidate, Object>> variables) {
        return new JavaConditions(checked, variables).node(checked.getExpr());
    }

    private Node node(CelExpr e) {
        // A declared variable: dotted names (tx.amountMinor) parse as a selection the checker resolved.
        var reference = ast.getReference(e.id());
        if (reference.isPresent() && reference.get().value().isEmpty()
                && (e.getKind() == CelExpr.ExprKind.Kind.IDENT || e.getKind() == CelExpr.ExprKind.Kind.SELECT)) {
            Function<PatternCandidate, Object> read = variables.get(reference.get().name());
            return read == null ? null : read::apply;
        }
        return switch (e.getKind()) {
            case CONSTANT -> constant(e.constant());
            case CALL -> call(e.call());
            default -> null;
        };
    }

    private static Node constant(CelConstant k) {
        Object value = switch (k.getKind()) {
            case BOOLEAN_VALUE -> k.booleanValue();
            case INT64_VALUE -> k.int64Value();
            case STRING_VALUE -> k.stringValue();
            default -> null;
        };
        return value == null ? null : c -> value;
    }

    private Node call(CelExpr.CelCall call) {
        if (call.target().isPresent()) {
            return null; // a method call (e.g. s.startsWith(...)): CEL's
        }
        List<CelExpr> args = call.args();
        if (call.function().equals("@in") && args.size() == 2) {
            return in(args.get(0), args.get(1));
        }
        List<Node> nodes = new ArrayList<>();
        for (CelExpr a : args) {
            Node n = node(a);
            if (n == null) {
                return null;
            }
            nodes.add(n);
        }
        return switch (call.function() + "/" + nodes.size()) {
            case "_&&_/2" -> and(nodes.get(0), nodes.get(1));
            case "_||_/2" -> or(nodes.get(0), nodes.get(1));
            case "!_/1" -> not(nodes.get(0));
            case "_?_:_/3" -> conditional(nodes.get(0), nodes.get(1), nodes.get(2));
            case "_==_/2" -> equal(nodes.get(0), nodes.get(1), true);
            case "_!=_/2" -> equal(nodes.get(0), nodes.get(1), false);
            case "_<_/2", "_<=_/2", "_>_/2", "_>=_/2" -> compare(call.function(), args, nodes.get(0), nodes.get(1));
            default -> null;
        };
    }

    private static Node and(Node a, Node b) {
        return c -> (Boolean) a.eval(c) && (Boolean) b.eval(c);
    }

    private static Node or(Node a, Node b) {
        return c -> (Boolean) a.eval(c) || (Boolean) b.eval(c);
    }

    private static Node not(Node a) {
        return c -> !(Boolean) a.eval(c);
    }

    private static Node conditional(Node test, Node then, Node otherwise) {
        return c -> (Boolean) test.eval(c) ? then.eval(c) : otherwise.eval(c);
    }

    /** The checker allows == between equal types only (or dyn, which is not compiled): equals() is CEL's equality. */
    private static Node equal(Node a, Node b, boolean equal) {
        return c -> a.eval(c).equals(b.eval(c)) == equal;
    }

    /** Ordering of ints only (strings and others: CEL's). */
    private Node compare(String function, List<CelExpr> args, Node a, Node b) {
        for (CelExpr arg : args) {
            var type = ast.getType(arg.id());
            if (type.isEmpty() || !type.get().equals(dev.cel.common.types.SimpleType.INT)) {
                return null;
            }
        }
        return switch (function) {
            case "_<_" -> c -> (Long) a.eval(c) < (Long) b.eval(c);
            case "_<=_" -> c -> (Long) a.eval(c) <= (Long) b.eval(c);
            case "_>_" -> c -> (Long) a.eval(c) > (Long) b.eval(c);
            default -> c -> (Long) a.eval(c) >= (Long) b.eval(c);
        };
    }

    /** {@code x in [constants]}: a set lookup. */
    private Node in(CelExpr element, CelExpr list) {
        Node x = node(element);
        if (x == null || list.getKind() != CelExpr.ExprKind.Kind.LIST) {
            return null;
        }
        Set<Object> members = new HashSet<>();
        for (CelExpr m : list.list().elements()) {
            if (m.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                return null;
            }
            Node k = constant(m.constant());
            if (k == null) {
                return null;
            }
            members.add(k.eval(null));
        }
        return c -> members.contains(x.eval(c));
    }
}
