package io.posmon.operators.checks;

import io.posmon.operators.RuleInfo;
import io.posmon.operators.TransactionContext;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.util.Collector;

/**
 * A compiled rule that runs inside the per-merchant operator on its own keyed state. The compiler
 * builds it from a rule definition (parameters resolved to minor units); the operator opens it
 * and feeds it every approved, first-seen, in-time transaction of the merchant.
 */
public interface KeyedCheck extends Serializable {

    RuleInfo rule();

    /** Creates the check's state handles; state names start with the rule id, so rules never share state. */
    void open(KeyedStateStore runtime);

    /** The check's keyed state, so a running job can clear it when the rule is removed. */
    default List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of();
    }

    void onTransaction(TransactionContext c, Collector<MerchantAlert> out) throws Exception;

    /** Called when a new profile version arrives for the merchant. */
    default void onProfile(String merchantId, MerchantProfile profile, Collector<MerchantAlert> out) throws Exception {
    }
}
