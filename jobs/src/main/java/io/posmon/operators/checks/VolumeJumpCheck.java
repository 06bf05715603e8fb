package io.posmon.operators.checks;

import io.posmon.operators.AlertFactory;
import io.posmon.operators.BusinessCalendar;
import io.posmon.operators.EvidenceItem;
import io.posmon.operators.MoneyFormat;
import io.posmon.operators.RuleInfo;
import io.posmon.operators.TransactionContext;
import io.posmon.operators.WideMath;
import io.posmon.schema.AlertStage;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionType;
import java.io.Serializable;
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
 * Rule 2: the running volume of the current business day and clock hour against the merchant's own
 * trailing mean of the same window (or a peer table while its history is short). Volume is gross
 * approved sales and completions; one alert per window at most.
 */
public final class VolumeJumpCheck implements KeyedCheck {

    /** One window's trigger: amount (or count) above ratio x baseline and at least the floor. */
    public record WindowSpec(long ratioBps, long minAmountMinor, long minCount) implements Serializable {
    }

    private static final long HOUR_MILLIS = 3_600_000L;

    private final RuleInfo rule;
    private final String currency;
    private final int baselineDays;
    private final int minHistoryDays;
    private final boolean usePeersWithoutHistory;
    private final WindowSpec day;
    private final WindowSpec hour;
    /** Peer daily amount and count per MCC group, indexed by scale ordinal. */
    private final Map<String, long[]> peerAmount;
    private final Map<String, long[]> peerCount;
    private final int activeHoursPerDay;
    private final BusinessCalendar calendar;
    private final int evidenceLimit;
    private transient ValueState<VolumeState> state;
    private transient ValueState<VolumeHistory> history;

    public VolumeJumpCheck(RuleInfo rule, String currency, int baselineDays, int minHistoryDays,
                           boolean usePeersWithoutHistory, WindowSpec day, WindowSpec hour,
                           Map<String, long[]> peerAmount, Map<String, long[]> peerCount, int activeHoursPerDay,
                           BusinessCalendar calendar, int evidenceLimit) {
        this.rule = rule;
        this.currency = currency;
        this.baselineDays = baselineDays;
        this.minHistoryDays = minHistoryDays;
        this.usePeersWithoutHistory = usePeersWithoutHistory;
        this.day = day;
        this.hour = hour;
        this.peerAmount = peerAmount == null ? Map.of() : Map.copyOf(peerAmount);
        this.peerCount = peerCount == null ? Map.of() : Map.copyOf(peerCount);
        this.activeHoursPerDay = activeHoursPerDay;
        this.calendar = calendar;
        this.evidenceLimit = evidenceLimit;
    }

    @Override
    public RuleInfo rule() {
        return rule;
    }

    @Override
    public void open(KeyedStateStore runtime) {
        state = runtime.getState(volumeState());
        history = runtime.getState(historyState());
    }

    @Override
    public List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(volumeState(), historyState());
    }

    private ValueStateDescriptor<VolumeState> volumeState() {
        return new ValueStateDescriptor<>(rule.id() + "/volume", VolumeState.class);
    }

    private ValueStateDescriptor<VolumeHistory> historyState() {
        return new ValueStateDescriptor<>(rule.id() + "/history", VolumeHistory.class);
    }

    @Override
    public void onTransaction(TransactionContext c, Collector<MerchantAlert> out) throws Exception {
        PosTransaction tx = c.tx;
        TransactionType type = tx.getType();
        if ((type != TransactionType.SALE && type != TransactionType.PREAUTH_COMPLETION)
                || !currency.equals(tx.getCurrency())) {
            return;
        }
        VolumeState s = state.value();
        if (s == null) {
            s = new VolumeState();
            s.firstSeenDay = c.businessDay;
            s.cur = VolumeDay.of(c.businessDay);
        }
        VolumeDay target = dayFor(s, c.businessDay);
        if (target == null) {
            return;
        }
        int h = c.hourOfDay;
        target.amount += tx.getAmountMinor();
        target.count++;
        target.hourAmount[h] += tx.getAmountMinor();
        target.hourCount[h]++;

        // Only the current day and hour are judged; a late event for yesterday only updates its figures.
        if (target == s.cur) {
            if (day != null && !s.cur.dayAlerted) {
                ensureDayBaseline(s, c);
                if (s.dayDivisor > 0 && trips(day, s.cur.amount, s.cur.count, s.dayAmountSum, s.dayCountSum, s.dayDivisor)) {
                    s.cur.dayAlerted = true;
                    out.collect(alert(c, "day", s.cur.amount, s.cur.count, s.dayAmountSum, s.dayCountSum,
                            s.dayDivisor, s.dayFromPeers, calendar.dayStart(c.businessDay),
                            calendar.dayStart(c.businessDay + 1)));
                }
            }
            if (hour != null && (s.cur.hourAlertedMask & (1 << h)) == 0) {
                ensureHourBaseline(s, c);
                if (s.hourDivisor > 0 && trips(hour, s.cur.hourAmount[h], s.cur.hourCount[h],
                        s.hourAmountSum, s.hourCountSum, s.hourDivisor)) {
                    s.cur.hourAlertedMask |= 1 << h;
                    long start = calendar.hourStart(c.eventTime);
                    out.collect(alert(c, "hour", s.cur.hourAmount[h], s.cur.hourCount[h], s.hourAmountSum,
                            s.hourCountSum, s.hourDivisor, s.hourFromPeers, start, start + HOUR_MILLIS));
                }
            }
        }
        state.update(s);
    }

    /** The day record for an event, rolling days forward (and into history) when a new day starts. */
    private VolumeDay dayFor(VolumeState s, int businessDay) throws Exception {
        if (businessDay == s.cur.day) {
            return s.cur;
        }
        if (s.prev != null && businessDay == s.prev.day) {
            return s.prev;
        }
        if (businessDay < s.cur.day) {
            return null;
        }
        VolumeHistory hist = history.value();
        if (hist == null) {
            hist = VolumeHistory.empty(baselineDays);
        }
        if (s.prev != null) {
            hist.put(s.prev);
        }
        if (s.cur.day == businessDay - 1) {
            s.prev = s.cur;
        } else {
            hist.put(s.cur);
            s.prev = null;
        }
        history.update(hist);
        s.cur = VolumeDay.of(businessDay);
        s.baselineDay = Integer.MIN_VALUE;
        s.baselineHour = -1;
        return s.cur;
    }

    private boolean trips(WindowSpec w, long amount, long count, long amountSum, long countSum, long divisor) {
        boolean byAmount = amount >= w.minAmountMinor()
                && WideMath.compareProducts(amount, divisor * 10_000L, amountSum, w.ratioBps()) > 0;
        boolean byCount = count >= w.minCount()
                && WideMath.compareProducts(count, divisor * 10_000L, countSum, w.ratioBps()) > 0;
        return byAmount || byCount;
    }

    private int historyDays(VolumeState s, int today) {
        return Math.min(baselineDays, today - s.firstSeenDay);
    }

    private void ensureDayBaseline(VolumeState s, TransactionContext c) throws Exception {
        if (s.baselineDay == c.businessDay) {
            return;
        }
        s.baselineDay = c.businessDay;
        s.baselineHour = -1;
        int days = historyDays(s, c.businessDay);
        if (days >= minHistoryDays) {
            long[] sums = ownHistory(s, c.businessDay, days, -1);
            set(s, true, sums[0], sums[1], days, false);
        } else if (usePeersWithoutHistory && c.scale() != null && peerAmount.containsKey(c.mccGroup)) {
            int scale = c.scale().ordinal();
            set(s, true, peerAmount.get(c.mccGroup)[scale], peerCount.get(c.mccGroup)[scale], 1, true);
        } else {
            set(s, true, 0, 0, 0, false);
        }
    }

    private void ensureHourBaseline(VolumeState s, TransactionContext c) throws Exception {
        ensureDayBaseline(s, c);
        int h = c.hourOfDay;
        if (s.baselineHour == h) {
            return;
        }
        s.baselineHour = h;
        int days = historyDays(s, c.businessDay);
        if (days >= minHistoryDays) {
            long[] sums = ownHistory(s, c.businessDay, days, h);
            set(s, false, sums[0], sums[1], days, false);
        } else if (usePeersWithoutHistory && c.scale() != null && peerAmount.containsKey(c.mccGroup)) {
            int scale = c.scale().ordinal();
            // An hour's peer baseline is the peer day spread over its active hours.
            set(s, false, peerAmount.get(c.mccGroup)[scale], peerCount.get(c.mccGroup)[scale], activeHoursPerDay, true);
        } else {
            set(s, false, 0, 0, 0, false);
        }
    }

    /**
     * Amount and count of the merchant's last {@code days} days before today, whole days or one
     * hour of them ({@code hour} -1 for whole days). Yesterday may still be open in state.
     */
    private long[] ownHistory(VolumeState s, int today, int days, int hour) throws Exception {
        VolumeHistory hist = history.value();
        long amount = 0;
        long count = 0;
        for (int d = today - days; d < today; d++) {
            if (s.prev != null && s.prev.day == d) {
                amount += hour < 0 ? s.prev.amount : s.prev.hourAmount[hour];
                count += hour < 0 ? s.prev.count : s.prev.hourCount[hour];
            } else if (hist != null && hist.indexOf(d) >= 0) {
                int i = hist.indexOf(d);
                amount += hour < 0 ? hist.amount[i] : hist.hourAmount[i * 24 + hour];
                count += hour < 0 ? hist.count[i] : hist.hourCount[i * 24 + hour];
            }
        }
        return new long[] {amount, count};
    }

    private static void set(VolumeState s, boolean dayWindow, long amountSum, long countSum, long divisor, boolean peers) {
        if (dayWindow) {
            s.dayAmountSum = amountSum;
            s.dayCountSum = countSum;
            s.dayDivisor = divisor;
            s.dayFromPeers = peers;
        } else {
            s.hourAmountSum = amountSum;
            s.hourCountSum = countSum;
            s.hourDivisor = divisor;
            s.hourFromPeers = peers;
        }
    }

    private MerchantAlert alert(TransactionContext c, String window, long amount, long count, long amountSum,
                                long countSum, long divisor, boolean peers, long start, long end) {
        long baselineAmount = amountSum / divisor;
        long baselineCount = countSum / divisor;
        LocalDate date = LocalDate.ofEpochDay(c.businessDay);
        String windowKey = window.equals("day") ? "day:" + date : "hour:" + date + "T" + c.hourOfDay;
        String summary = String.format("%s: %s volume %s in %d sales vs baseline %s in %d (%s)",
                AlertFactory.label(c.snapshot()), window.equals("day") ? "day " + date : "hour " + date + " "
                        + String.format("%02d:00", c.hourOfDay),
                MoneyFormat.format(amount, currency), count, MoneyFormat.format(baselineAmount, currency),
                baselineCount, peers ? "peer table, short history" : "own " + divisor + "-day mean");
        return AlertFactory.start(rule, AlertStage.TRIGGERED, windowKey, c.snapshot(), summary)
                .setBusinessDate(date)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setTriggeredAt(c.tx.getEventTime())
                .setCurrency(currency)
                .setObservedAmountMinor(amount)
                .setThresholdAmountMinor(baselineAmount)
                .setRatioBps(MoneyFormat.ratioBps(amount, baselineAmount))
                .setObservedCount((int) Math.min(Integer.MAX_VALUE, count))
                .setThresholdCount(baselineCount)
                .setEvidence(evidence(c, start, end))
                .build();
    }

    private List<EvidenceTransaction> evidence(TransactionContext c, long start, long end) {
        return EvidenceItem.latest(c.recent, e -> e.eventTime >= start && e.eventTime < end && currency.equals(e.currency),
                evidenceLimit);
    }
}
