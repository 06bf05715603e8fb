package io.posmon.operators.checks;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.EvidenceItem;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.TransactionContext;
import io.posmon.schema.AlertStage;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantStatus;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.util.Collector;

/**
 * Rule 4: an approved transaction from a merchant whose profile says it must not transact.
 * Stateless: one alert per such transaction (the alert id is the transaction's), so a stopped
 * merchant that keeps sending is seen every time.
 */
public final class SuspendedMerchantCheck implements KeyedCheck {

    private final RuleInfo rule;
    private final Set<MerchantStatus> statuses;
    private final BusinessCalendar calendar;

    public SuspendedMerchantCheck(RuleInfo rule, Set<MerchantStatus> statuses, BusinessCalendar calendar) {
        this.rule = rule;
        this.statuses = EnumSet.copyOf(statuses);
        this.calendar = calendar;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    @Override
    public void open(KeyedStateStore runtime) {
    }

    @Override
    public void onTransaction(TransactionContext c, Collector<MerchantAlert> out) {
        if (c.profile == null || !statuses.contains(c.profile.getStatus())) {
            return;
        }
        String summary = String.format("%s is %s but sent an approved %s of %s",
                AlertFactory.label(c.snapshot()), c.profile.getStatus(), c.tx.getType(),
                MoneyFormat.format(c.tx.getAmountMinor(), c.tx.getCurrency()));
        out.collect(AlertFactory.start(rule, AlertStage.TRIGGERED, "tx:" + c.tx.getTransactionId(), c.snapshot(), summary)
                .setBusinessDate(LocalDate.ofEpochDay(calendar.businessDay(c.eventTime)))
                .setWindowStart(c.tx.getEventTime())
                .setWindowEnd(c.tx.getEventTime().plusMillis(1))
                .setTriggeredAt(c.tx.getEventTime())
                .setCurrency(c.tx.getCurrency())
                .setObservedAmountMinor(c.tx.getAmountMinor())
                .setObservedCount(1)
                .setEvidence(List.of(EvidenceItem.of(c.tx).toAvro()))
                .build());
    }
}
