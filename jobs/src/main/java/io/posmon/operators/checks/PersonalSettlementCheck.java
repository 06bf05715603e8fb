package io.posmon.operators.checks;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.TransactionContext;
import io.posmon.schema.AlertStage;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.SettlementAccountType;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Rule 5: a merchant profile that settles to a PERSONAL account, raised once per merchant: when
 * the profile arrives, or at the merchant's first transaction if the profile came from the start-up file.
 * The alert depends on the profile alone, so whichever path raises it, it is the same alert.
 */
public final class PersonalSettlementCheck implements KeyedCheck {

    private final RuleInfo rule;
    private transient ValueState<Boolean> raised;

    public PersonalSettlementCheck(RuleInfo rule) {
        this.rule = rule;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    @Override
    public void open(KeyedStateStore runtime) {
        raised = runtime.getState(raisedState());
    }

    @Override
    public List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(raisedState());
    }

    private ValueStateDescriptor<Boolean> raisedState() {
        return new ValueStateDescriptor<>(rule.id() + "/raised", Boolean.class);
    }

    @Override
    public void onTransaction(TransactionContext c, Collector<MerchantAlert> out) throws Exception {
        onProfile(c.merchantId, c.profile, out);
    }

    @Override
    public void onProfile(String merchantId, MerchantProfile profile, Collector<MerchantAlert> out) throws Exception {
        // Read the flag only for personal accounts: the common case costs no state access.
        if (profile == null || profile.getSettlementAccountType() != SettlementAccountType.PERSONAL
                || raised.value() != null) {
            return;
        }
        raised.update(Boolean.TRUE);
        var merchant = AlertFactory.snapshot(merchantId, profile);
        String summary = AlertFactory.label(merchant) + " settles to a PERSONAL bank account";
        out.collect(AlertFactory.start(rule, AlertStage.TRIGGERED, "profile", merchant, summary)
                .setTriggeredAt(profile.getUpdatedAt())
                .build());
    }
}
