package io.posmon.operators.checks;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.EvidenceItem;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.SeenTransaction;
import io.posmon.operators.TransactionContext;
import io.posmon.operators.WideMath;
import io.posmon.operators.BusinessCalendar;
import io.posmon.schema.AlertStage;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantScale;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.Severity;
import io.posmon.schema.TransactionType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Rule 1: per merchant and business day, net approved credit-card sales (sales and completions,
 * less voids and reversals of them) against the merchant's limit. One TRIGGERED alert at the
 * transaction that takes the net one minor unit over the limit, at most one EARLY_WARNING before it.
 */
public final class DailyCreditLimitCheck implements KeyedCheck {

    private final RuleInfo rule;
    private final String currency;
    /** Limits in minor units per MCC group, indexed by {@link MerchantScale#ordinal()}. */
    private final Map<String, long[]> limits;
    private final long unknownMerchantLimit;
    private final Integer warningPercent;
    private final Severity warningSeverity;
    private final BusinessCalendar calendar;
    private final int evidenceLimit;
    private transient ValueState<DailyLimitState> state;

    public DailyCreditLimitCheck(RuleInfo rule, String currency, Map<String, long[]> limits, long unknownMerchantLimit,
                                 Integer warningPercent, Severity warningSeverity,
                                 BusinessCalendar calendar, int evidenceLimit) {
        this.rule = rule;
        this.currency = currency;
        this.limits = Map.copyOf(limits);
        this.unknownMerchantLimit = unknownMerchantLimit;
        this.warningPercent = warningPercent;
        this.warningSeverity = warningSeverity;
        this.calendar = calendar;
        this.evidenceLimit = evidenceLimit;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    @Override
    public void open(KeyedStateStore runtime) {
        state = runtime.getState(dayState());
    }

    @Override
    public List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(dayState());
    }

    private ValueStateDescriptor<DailyLimitState> dayState() {
        return new ValueStateDescriptor<>(rule.id() + "/day", DailyLimitState.class);
    }

    @Override
    public void onTransaction(TransactionContext c, Collector<MerchantAlert> out) throws Exception {
        PosTransaction tx = c.tx;
        if (tx.getCardType() != CardType.CREDIT || !currency.equals(tx.getCurrency())) {
            return;
        }
        long delta;
        int day;
        TransactionType type = tx.getType();
        if (type == TransactionType.SALE || type == TransactionType.PREAUTH_COMPLETION) {
            delta = tx.getAmountMinor();
            day = c.businessDay;
        } else if (type == TransactionType.VOID || type == TransactionType.REVERSAL) {
            SeenTransaction original = c.original();
            if (original == null || !original.creditSale || original.undone) {
                return;
            }
            delta = -original.amountMinor;
            day = original.businessDay;
        } else {
            return;
        }

        DailyLimitState s = state.value();
        if (s == null) {
            s = new DailyLimitState();
        }
        int slot = s.slotFor(day);
        if (slot < 0) {
            return;
        }
        long net = (slot == 0 ? s.net : s.prevNet) + delta;
        boolean warned = slot == 0 ? s.warned : s.prevWarned;
        boolean alerted = slot == 0 ? s.alerted : s.prevAlerted;
        if (delta > 0 && !alerted) {
            long limit = limitFor(c);
            if (net > limit) {
                alerted = true;
                warned = true;
                out.collect(alert(c, AlertStage.TRIGGERED, rule.severity(), day, net, limit));
            } else if (warningPercent != null && !warned
                    && WideMath.compareProducts(net, 100, limit, warningPercent) >= 0) {
                warned = true;
                out.collect(alert(c, AlertStage.EARLY_WARNING, warningSeverity, day, net, limit));
            }
        }
        if (slot == 0) {
            s.net = net;
            s.warned = warned;
            s.alerted = alerted;
        } else {
            s.prevNet = net;
            s.prevWarned = warned;
            s.prevAlerted = alerted;
        }
        state.update(s);
    }

    private long limitFor(TransactionContext c) {
        if (c.profile == null) {
            return unknownMerchantLimit;
        }
        // The merchant's own limit is in its settlement currency (the rule's currency when not given).
        Long own = c.profile.getDailyCreditLimitMinor();
        String ownCurrency = c.profile.getSettlementCurrency();
        if (own != null && (ownCurrency == null || ownCurrency.equals(currency))) {
            return own;
        }
        long[] row = limits.get(c.mccGroup);
        return row == null ? unknownMerchantLimit : row[c.profile.getScale().ordinal()];
    }

    private MerchantAlert alert(TransactionContext c, AlertStage stage, Severity severity, int day, long net, long limit) {
        LocalDate date = LocalDate.ofEpochDay(day);
        String what = stage == AlertStage.TRIGGERED ? "over" : "at " + warningPercent + "% of";
        String summary = String.format("%s: net credit-card sales %s on %s are %s the daily limit %s",
                AlertFactory.label(c.snapshot()), MoneyFormat.format(net, currency), date, what,
                MoneyFormat.format(limit, currency));
        String windowKey = "day:" + date + (stage == AlertStage.EARLY_WARNING ? ":warning" : "");
        return AlertFactory.start(rule, stage, windowKey, c.snapshot(), summary)
                .setSeverity(severity)
                .setBusinessDate(date)
                .setWindowStart(Instant.ofEpochMilli(calendar.dayStart(day)))
                .setWindowEnd(Instant.ofEpochMilli(calendar.dayStart(day + 1)))
                .setTriggeredAt(c.tx.getEventTime())
                .setCurrency(currency)
                .setObservedAmountMinor(net)
                .setThresholdAmountMinor(limit)
                .setRatioBps(MoneyFormat.ratioBps(net, limit))
                .setEvidence(evidence(c, day))
                .build();
    }

    /** The day's most recent credit sales the merchant made, the tripping one last. */
    private List<io.posmon.schema.EvidenceTransaction> evidence(TransactionContext c, int day) {
        return EvidenceItem.latest(c.recent, e -> e.cardType == CardType.CREDIT && currency.equals(e.currency)
                && calendar.businessDay(e.eventTime) == day, evidenceLimit);
    }
}
