package io.posmon.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.jobs.JobSettings;
import io.posmon.kafka.AvroKafka;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ProfileFiles;
import io.posmon.testing.KafkaAndFlinkTest;
import io.posmon.testing.Tx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backtest of a generated day from CSV gives exactly the alerts the streaming job gives on the
 * same events through Kafka; bad rows are reported with their line and skipped; a baseline rule
 * set shows what each rule gains and loses.
 */
class BacktestTest extends KafkaAndFlinkTest {

    private static final String HEADER = "transactionId,eventTime,merchantId,terminalId,cardToken,maskedPan,cardType,"
            + "customerId,amountMinor,currency,type,originalTransactionId,status,entryMode,installments";

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void backtestEqualsTheStreamingJobAndReportsBadRows(@TempDir Path tmp) throws Exception {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        GeneratorSettings gs = new GeneratorSettings(5, 100, 3_000, 100, Tx.local("2026-11-23T06:00:00"),
                GeneratorSettings.realisticSpeed(100, 100), zone);
        TrafficGenerator generator = new TrafficGenerator(gs);
        List<MerchantProfile> profiles = generator.merchantProfiles();
        List<PosTransaction> txs = new ArrayList<>(generator.transactionsBetween(gs.simulatedStart(),
                gs.simulatedStart().plus(Duration.ofHours(18))));
        txs.sort(Comparator.comparing(PosTransaction::getEventTime));

        Path csv = tmp.resolve("transactions.csv");
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        txs.forEach(t -> lines.add(csvRow(t)));
        lines.add(3, "BAD-1,not-a-time,M000001,T,tok,x,CREDIT,,100,CNY,SALE,,APPROVED,CHIP,0");   // line 4
        lines.add(6, "BAD-2,1795449600000,M000001,T,tok,x,CREDIT,,-5,CNY,SALE,,APPROVED,CHIP,0"); // line 7
        Files.write(csv, lines, StandardCharsets.UTF_8);
        Path merchants = tmp.resolve("merchants.avro");
        ProfileFiles.write(merchants, profiles);

        var rules = RuleCompiler.compile(RuleSetLoader.load(Path.of("../rules")));
        Path baselineDir = tmp.resolve("baseline");
        Files.createDirectories(baselineDir);
        for (Path p : Files.list(Path.of("../rules")).toList()) {
            Files.writeString(baselineDir.resolve(p.getFileName()),
                    Files.readString(p).replace("      minCount: 3\n      within: 60m", "      minCount: 4\n      within: 60m"));
        }
        var baseline = RuleCompiler.compile(RuleSetLoader.load(baselineDir));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Backtest.Result result = new Backtest(new PrintStream(console, true, StandardCharsets.UTF_8))
                .run(rules, baseline, csv, merchants, tmp.resolve("out"));

        // The same events through Kafka and the streaming job.
        List<MerchantAlert> streamed = streamingAlerts(tmp, txs, profiles);
        assertThat(ids(result.alerts())).isEqualTo(ids(streamed)).isNotEmpty();

        assertThat(Files.readAllLines(tmp.resolve("out/contributions.jsonl"))).hasSize(result.contributions().size())
                .isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"isFinal\":true"));
        assertThat(result.badRows()).extracting(RecordFiles.BadRow::line).containsExactly(4L, 7L);
        assertThat(result.badRows().get(1).reason()).contains("amountMinor must be positive");
        assertThat(Files.readAllLines(tmp.resolve("out/alerts.jsonl"))).hasSize(result.alerts().size())
                .first().asString().contains("\"ruleId\"").contains("\"evidence\"");
        String report = Files.readString(tmp.resolve("out/report.md"));
        assertThat(report).contains("## Alerts per rule", "## Top merchants", "## Compared with the baseline rules",
                "2 rows skipped", ":4: ");
        // The baseline asks for four round sales within an hour: the planted bursts of three are new alerts now.
        long now = result.alerts().stream().filter(a -> a.getRuleId().equals("large-round-amounts")).count();
        assertThat(now).isPositive();
        assertThat(result.baselineAlerts()).noneMatch(a -> a.getRuleId().equals("large-round-amounts"));
        assertThat(report).contains("| large-round-amounts | 0 | " + now + " | " + now + " | 0 |");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("100%");
    }

    private static List<String> ids(List<MerchantAlert> alerts) {
        return alerts.stream().map(a -> a.getRuleId() + "/" + a.getAlertId()).sorted().collect(Collectors.toList());
    }

    private static String csvRow(PosTransaction t) {
        return String.join(",", t.getTransactionId(), String.valueOf(t.getEventTime().toEpochMilli()), t.getMerchantId(),
                t.getTerminalId(), t.getCardToken(), t.getMaskedPan(), t.getCardType().name(),
                t.getCustomerId() == null ? "" : t.getCustomerId(), String.valueOf(t.getAmountMinor()), t.getCurrency(),
                t.getType().name(), t.getOriginalTransactionId() == null ? "" : t.getOriginalTransactionId(),
                t.getStatus().name(), t.getEntryMode().name(), String.valueOf(t.getInstallments()));
    }

    private static List<MerchantAlert> streamingAlerts(Path tmp, List<PosTransaction> txs, List<MerchantProfile> profiles)
            throws Exception {
        JobSettings s = jobSettings(tmp, true, 2);
        publish(s, profiles, txs);
        runToEnd(s, true, false);
        return AvroKafka.readAll(s.bootstrapServers, s.alertsTopic, MerchantAlert.class);
    }
}
