package io.posmon.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.posmon.jobs.Replay;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import java.util.stream.Collectors;

/**
 * {@code posmon backtest}: history replayed through the same job graph, bounded, in this JVM.
 * Writes the alerts (alerts.jsonl), the final contribution figures (contributions.jsonl, when the
 * rules directory has a contribution policy) and a report (report.md): alerts per rule, day and
 * merchant, skipped rows, and with a baseline rule set the alerts each rule gains and loses.
 */
public final class Backtest {

    /** What one run found. */
    public record Result(List<MerchantAlert> alerts, List<MerchantAlert> baselineAlerts,
                         List<CustomerContribution> contributions, int transactions, int merchants,
                         List<RecordFiles.BadRow> badRows) {
    }

    private final PrintStream console;

    public Backtest(PrintStream console) {
        this.console = console;
    }

    public Result run(CompiledRules rules, CompiledRules baseline, Path transactionsFile, Path merchantsFile, Path out)
            throws Exception {
        RecordFiles.Read<PosTransaction> txs = RecordFiles.transactions(transactionsFile, rules.engine().maxAmountMinor());
        RecordFiles.Read<MerchantProfile> merchants = RecordFiles.merchants(merchantsFile);
        List<RecordFiles.BadRow> bad = new ArrayList<>(merchants.badRows());
        bad.addAll(txs.badRows());
        bad.forEach(b -> console.println("skipped " + b));
        Replay.Output now = replay("rules", rules, txs.records(), merchants.records());
        List<MerchantAlert> before = baseline == null ? List.of()
                : replay("baseline", baseline, txs.records(), merchants.records()).alerts();
        Files.createDirectories(out);
        writeJsonLines(out.resolve("alerts.jsonl"), now.alerts());
        if (!now.contributions().isEmpty()) {
            writeJsonLines(out.resolve("contributions.jsonl"), now.contributions());
        }
        Result result = new Result(now.alerts(), before, now.contributions(), txs.records().size(),
                merchants.records().size(), bad);
        Files.writeString(out.resolve("report.md"), report(result, transactionsFile, baseline != null), StandardCharsets.UTF_8);
        return result;
    }

    private Replay.Output replay(String label, CompiledRules rules, List<PosTransaction> txs,
                                 List<MerchantProfile> merchants) throws Exception {
        ProgressBar bar = new ProgressBar(console, label, txs.size());
        Replay.Output output = Replay.run(rules, txs, merchants, bar::update);
        bar.done(output.alerts().size());
        List<MerchantAlert> alerts = new ArrayList<>(output.alerts());
        alerts.sort(Comparator.comparing((MerchantAlert a) -> a.getTriggeredAt() == null ? java.time.Instant.EPOCH
                : a.getTriggeredAt()).thenComparing(MerchantAlert::getAlertId));
        List<CustomerContribution> contributions = new ArrayList<>(output.contributions());
        contributions.sort(Comparator.comparing((CustomerContribution c) -> c.getSubjectType() + "|" + c.getSubjectId()
                + "|" + c.getPeriodType() + "|" + c.getPeriod()));
        return new Replay.Output(alerts, contributions);
    }

    private static void writeJsonLines(Path file, List<? extends SpecificRecord> records) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (SpecificRecord r : records) {
                w.write(json.writeValueAsString(AvroJson.toMap(r)));
                w.newLine();
            }
        }
    }

    static String report(Result r, Path transactionsFile, boolean withBaseline) {
        StringBuilder md = new StringBuilder("# Backtest\n\n");
        md.append("Input: `").append(transactionsFile).append("`: ").append(r.transactions()).append(" transactions, ")
                .append(r.merchants()).append(" merchants, ").append(r.badRows().size()).append(" rows skipped.\n\n");
        md.append("Alerts: ").append(r.alerts().size()).append(".\n\n");
        table(md, "Alerts per rule", "rule", r.alerts(), MerchantAlert::getRuleId, Integer.MAX_VALUE);
        table(md, "Alerts per business day", "day", r.alerts(), a -> String.valueOf(a.getBusinessDate()), Integer.MAX_VALUE);
        table(md, "Top merchants", "merchant", r.alerts(),
                a -> a.getMerchant().getMerchantId() + (a.getMerchant().getName() == null ? "" : " " + a.getMerchant().getName()), 10);
        if (withBaseline) {
            md.append("## Compared with the baseline rules\n\n| rule | baseline | now | added | removed |\n|---|---|---|---|---|\n");
            Map<String, Set<String>> now = idsByRule(r.alerts());
            Map<String, Set<String>> before = idsByRule(r.baselineAlerts());
            Set<String> rules = new java.util.TreeSet<>(now.keySet());
            rules.addAll(before.keySet());
            for (String rule : rules) {
                Set<String> n = now.getOrDefault(rule, Set.of());
                Set<String> b = before.getOrDefault(rule, Set.of());
                long added = n.stream().filter(id -> !b.contains(id)).count();
                long removed = b.stream().filter(id -> !n.contains(id)).count();
                md.append("| ").append(rule).append(" | ").append(b.size()).append(" | ").append(n.size()).append(" | ")
                        .append(added).append(" | ").append(removed).append(" |\n");
            }
            md.append('\n');
        }
        if (!r.badRows().isEmpty()) {
            md.append("## Rows skipped\n\n");
            r.badRows().stream().limit(50).forEach(b -> md.append("- ").append(b).append('\n'));
            if (r.badRows().size() > 50) {
                md.append("- ... and ").append(r.badRows().size() - 50).append(" more\n");
            }
        }
        return md.toString();
    }

    private static Map<String, Set<String>> idsByRule(List<MerchantAlert> alerts) {
        return alerts.stream().collect(Collectors.groupingBy(MerchantAlert::getRuleId,
                Collectors.mapping(MerchantAlert::getAlertId, Collectors.toSet())));
    }

    private static void table(StringBuilder md, String title, String column, List<MerchantAlert> alerts,
                              Function<MerchantAlert, String> key, int limit) {
        Map<String, Long> counts = new TreeMap<>(alerts.stream().collect(Collectors.groupingBy(key, Collectors.counting())));
        md.append("## ").append(title).append("\n\n| ").append(column).append(" | alerts |\n|---|---|\n");
        counts.entrySet().stream()
                .sorted(limit == Integer.MAX_VALUE ? Map.Entry.comparingByKey() : Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n"));
        md.append('\n');
    }
}
