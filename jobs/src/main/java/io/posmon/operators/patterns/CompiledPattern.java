package io.posmon.operators.patterns;

import io.posmon.operators.RuleInfo;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.PosTransaction;
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.util.OutputTag;

/**
 * A rule compiled to a flink-cep pattern: which transactions its CEP operator sees (the merchant
 * operator sends it only those), how they are keyed, the pattern, and how a match becomes an alert.
 */
public interface CompiledPattern extends Serializable {

    RuleInfo rule();

    /** Whether the pattern should see this approved, first-seen transaction at all. */
    boolean accepts(PosTransaction tx, Supplier<PatternCandidate> candidate);

    KeySelector<PatternCandidate, String> key();

    Pattern<PatternCandidate, PatternCandidate> pattern();

    PatternProcessFunction<PatternCandidate, MerchantAlert> alertFunction();

    /** Side output of the merchant operator that carries this rule's candidates. */
    default OutputTag<PatternCandidate> candidates() {
        return new OutputTag<>("candidates-" + rule().id(), TypeInformation.of(PatternCandidate.class));
    }
}
