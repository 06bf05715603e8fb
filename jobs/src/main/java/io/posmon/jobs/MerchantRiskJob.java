package io.posmon.jobs;

import io.posmon.operators.MerchantRiskFunction;
import io.posmon.operators.SplitDeadLetters;
import io.posmon.operators.StartupProfiles;
import io.posmon.operators.patterns.LargeRoundAmountsPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.sinks.KafkaSinks;
import io.posmon.sources.KafkaSources;
import io.posmon.sources.Watermarks;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import picocli.CommandLine;

/**
 * The merchant risk job: transactions and merchant profiles in, merchant alerts out. Sources and
 * sinks are passed in, so tests and the demo wire their own; {@link #main} wires Kafka.
 *
 * <pre>
 * transactions ─ decode ─┬─ keyBy merchant ─┐
 *                        │                  ├─ MerchantRiskFunction ─┬─ alerts ─────────────┬─ alerts topic
 * profiles ───── decode ─┼─ keyBy merchant ─┘  (keyed checks)        ├─ candidates ─ CEP ───┘
 *                        │                                           └─ late ─ late topic
 *                        └─ dead letters ─ dead-letter topic
 * </pre>
 */
public final class MerchantRiskJob {

    private final CompiledRules rules;
    private final Source<Either<DeadLetter, PosTransaction>, ?, ?> transactions;
    private final Source<Either<DeadLetter, MerchantProfile>, ?, ?> profiles;
    private final Sink<MerchantAlert> alerts;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<PosTransaction> lateTransactions;
    private final StartupProfiles startupProfiles;

    public MerchantRiskJob(CompiledRules rules,
                           Source<Either<DeadLetter, PosTransaction>, ?, ?> transactions,
                           Source<Either<DeadLetter, MerchantProfile>, ?, ?> profiles,
                           Sink<MerchantAlert> alerts,
                           Sink<DeadLetter> deadLetters,
                           Sink<PosTransaction> lateTransactions,
                           StartupProfiles startupProfiles) {
        this.rules = rules;
        this.transactions = transactions;
        this.profiles = profiles;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.lateTransactions = lateTransactions;
        this.startupProfiles = startupProfiles;
    }

    /** The job on Kafka, as {@code posmon run merchant-risk} and {@code flink run} start it. */
    public static MerchantRiskJob onKafka(MerchantRiskSettings s) throws Exception {
        CompiledRules rules = RuleCompiler.compile(RuleSetLoader.load(s.rulesDir));
        return new MerchantRiskJob(rules, KafkaSources.transactions(s), KafkaSources.profiles(s),
                KafkaSinks.alerts(s), KafkaSinks.deadLetters(s), KafkaSinks.lateTransactions(s),
                s.profilesFile == null ? null : new StartupProfiles(s.profilesFile.toAbsolutePath().toString()));
    }

    /** Adds the job's operators to the environment; operator uids are stable for savepoints. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<PosTransaction> tx = env
                .fromSource(transactions, Watermarks.transactions(rules.engine()), "transactions")
                .uid("transactions-source")
                .process(new SplitDeadLetters<PosTransaction>(), new AvroTypeInfo<>(PosTransaction.class))
                .name("decode-transactions").uid("decode-transactions");
        SingleOutputStreamOperator<MerchantProfile> profileUpdates = env
                .fromSource(profiles, Watermarks.profiles(), "merchant-profiles")
                .uid("profiles-source")
                .process(new SplitDeadLetters<MerchantProfile>(), new AvroTypeInfo<>(MerchantProfile.class))
                .name("decode-profiles").uid("decode-profiles");

        SingleOutputStreamOperator<MerchantAlert> keyedAlerts = tx
                .keyBy(PosTransaction::getMerchantId)
                .connect(profileUpdates.keyBy(MerchantProfile::getMerchantId))
                .process(new MerchantRiskFunction(rules.engine(), rules.mccGroups(), rules.keyedChecks(),
                        rules.patterns(), startupProfiles), new AvroTypeInfo<>(MerchantAlert.class))
                .name("merchant-risk").uid("merchant-risk");

        DataStream<MerchantAlert> allAlerts = keyedAlerts;
        for (LargeRoundAmountsPattern p : rules.patterns()) {
            SingleOutputStreamOperator<MerchantAlert> matched = CEP
                    .pattern(keyedAlerts.getSideOutput(p.candidates()).keyBy((PatternCandidate c) -> c.merchantId), p.pattern())
                    .process(p.alertFunction(), new AvroTypeInfo<>(MerchantAlert.class));
            matched.name("pattern-" + p.rule().id()).uid("pattern-" + p.rule().id());
            allAlerts = allAlerts.union(matched);
        }
        allAlerts.sinkTo(alerts).name("alerts-sink").uid("alerts-sink");
        keyedAlerts.getSideOutput(MerchantRiskFunction.LATE).sinkTo(lateTransactions).name("late-sink").uid("late-sink");
        tx.getSideOutput(SplitDeadLetters.DEAD_LETTERS)
                .union(profileUpdates.getSideOutput(SplitDeadLetters.DEAD_LETTERS))
                .sinkTo(deadLetters).name("dead-letter-sink").uid("dead-letter-sink");
    }

    public CompiledRules rules() {
        return rules;
    }

    /** Entry point for {@code flink run}: the same options as {@code posmon run merchant-risk}. */
    public static void main(String[] args) throws Exception {
        MerchantRiskSettings settings = new MerchantRiskSettings();
        new CommandLine(settings).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                FlinkSetup.configuration(settings));
        onKafka(settings).build(env);
        env.execute("posmon merchant risk");
    }
}
