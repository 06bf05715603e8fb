package io.posmon.operators.patterns;

import io.posmon.schema.MerchantAlert;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Turns one match of a pattern rule (the matched candidates per step name) into its alert. */
@FunctionalInterface
public interface MatchToAlert extends Serializable {

    MerchantAlert alert(Map<String, List<PatternCandidate>> match);
}
