package io.posmon.jobs;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.model.MinorUnits;
import io.posmon.rules.model.RuleExample;
import io.posmon.schema.AlertStage;
import io.posmon.schema.CardType;
import io.posmon.schema.EntryMode;
import io.posmon.schema.EvidenceTransaction;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.MerchantStatus;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.SettlementAccountType;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs rule examples through the real job graph (decoding, the merchant operator, the CEP
 * operators) on a local Flink runtime in this JVM, and compares the alerts with the expected ones.
 */
public final class RuleExampleRunner {

    /** What an example gave: the expected alerts it missed and the alerts it did not expect. */
    public record Outcome(RuleExample example, List<String> missing, List<String> unexpected) {
        public boolean passed() {
            return missing.isEmpty() && unexpected.isEmpty();
        }
    }

    private final CompiledRules rules;
    private final ZoneId zone;

    public RuleExampleRunner(CompiledRules rules) {
        this.rules = rules;
        this.zone = rules.engine().zone();
    }

    public Outcome run(RuleExample example) throws Exception {
        return compare(example, Replay.alerts(rules, transactions(example), profiles(example)));
    }

    private List<MerchantProfile> profiles(RuleExample example) {
        List<MerchantProfile> out = new ArrayList<>();
        if (example.merchants() == null) {
            return out;
        }
        for (RuleExample.Merchant m : example.merchants()) {
            out.add(MerchantProfile.newBuilder()
                    .setMerchantId(m.id())
                    .setName(m.id())
                    .setMcc(m.mcc())
                    .setAddress("")
                    .setRegion(m.region() == null ? "" : m.region())
                    .setScale(m.scale())
                    .setFeeRateBps(m.feeRateBps() == null ? 60 : m.feeRateBps())
                    .setSettlementAccountType(m.settlement() == null ? SettlementAccountType.CORPORATE : m.settlement())
                    .setStatus(m.status() == null ? MerchantStatus.ACTIVE : m.status())
                    .setDailyCreditLimitMinor(m.dailyCreditLimit() == null ? null
                            : MinorUnits.toMinor(m.dailyCreditLimit(), example.currency()))
                    .setSettlementCurrency(null)
                    .setUpdatedAt(null)
                    .build());
        }
        return out;
    }

    private List<PosTransaction> transactions(RuleExample example) {
        List<PosTransaction> out = new ArrayList<>();
        for (RuleExample.Transaction t : example.transactions()) {
            out.add(PosTransaction.newBuilder()
                    .setTransactionId(t.id())
                    .setEventTime(t.time().atZone(zone).toInstant())
                    .setMerchantId(t.merchant())
                    .setTerminalId(t.terminal() == null ? t.merchant() + "-T1" : t.terminal())
                    .setCardToken(t.cardToken() == null ? "tok_" + t.id() : t.cardToken())
                    .setMaskedPan("000000******0000")
                    .setCardType(t.card() == null ? CardType.CREDIT : t.card())
                    .setCustomerId(t.customer())
                    .setAmountMinor(MinorUnits.toMinor(t.amount(), example.currency()))
                    .setCurrency(example.currency())
                    .setType(t.type() == null ? TransactionType.SALE : t.type())
                    .setOriginalTransactionId(t.original())
                    .setStatus(t.status() == null ? TransactionStatus.APPROVED : t.status())
                    .setEntryMode(EntryMode.CHIP)
                    .setInstallments(t.installments() == null ? 0 : t.installments())
                    .setCustomerRegion(null)
                    .build());
        }
        return out;
    }

    /** Each expected alert takes one actual alert that fits it; what is left over on either side differs. */
    static Outcome compare(RuleExample example, List<MerchantAlert> alerts) {
        List<MerchantAlert> actual = new ArrayList<>();
        for (MerchantAlert a : alerts) {
            if (example.rules() == null || example.rules().isEmpty() || example.rules().contains(a.getRuleId())) {
                actual.add(a);
            }
        }
        List<String> missing = new ArrayList<>();
        for (RuleExample.Expected x : example.expect()) {
            MerchantAlert fit = actual.stream().filter(a -> fits(x, a)).findFirst().orElse(null);
            if (fit == null) {
                missing.add(describe(x));
            } else {
                actual.remove(fit);
            }
        }
        List<String> unexpected = actual.stream().map(RuleExampleRunner::describe).toList();
        return new Outcome(example, missing, unexpected);
    }

    private static boolean fits(RuleExample.Expected x, MerchantAlert a) {
        AlertStage stage = x.stage() == null ? AlertStage.TRIGGERED : x.stage();
        return a.getRuleId().equals(x.rule()) && a.getMerchant().getMerchantId().equals(x.merchant())
                && a.getStage() == stage
                && (x.transactions() == null || x.transactions().equals(evidence(a)));
    }

    private static List<String> evidence(MerchantAlert a) {
        return a.getEvidence().stream().map(EvidenceTransaction::getTransactionId).toList();
    }

    private static String describe(RuleExample.Expected x) {
        return x.rule() + " at " + x.merchant() + " " + (x.stage() == null ? AlertStage.TRIGGERED : x.stage())
                + (x.transactions() == null ? "" : " " + x.transactions());
    }

    private static String describe(MerchantAlert a) {
        return a.getRuleId() + " at " + a.getMerchant().getMerchantId() + " " + a.getStage() + " " + evidence(a)
                + "  (" + a.getSummary() + ")";
    }
}
