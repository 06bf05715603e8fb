package io.posmon.jobs;

import io.posmon.metrics.AlertMetrics;
import io.posmon.kafka.KafkaClientSecurity;
import io.posmon.kafka.Topics;
import io.posmon.operators.MerchantRiskFunction;
import io.posmon.operators.SplitDeadLetters;
import io.posmon.operators.StartupProfiles;
import io.posmon.operators.contribution.ContributionConfig;
import io.posmon.operators.contribution.ContributionFunction;
import io.posmon.operators.contribution.ContributionOperator;
import io.posmon.operators.contribution.SpendEvent;
import io.posmon.operators.LiveRules;
import io.posmon.operators.patterns.PatternRulesFunction;
import io.posmon.operators.patterns.PatternRulesOperator;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.records.RecordTypes;
import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.CustomerHoldings;
import io.posmon.schema.DeadLetter;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.RuleSetSnapshot;
import io.posmon.schema.RuleSetStatus;
import io.posmon.schema.TierChange;
import io.posmon.operators.state.KeyedStateCache;
import io.posmon.operators.state.StateCachingOperators;
import io.posmon.sinks.KafkaSinks;
import io.posmon.sources.KafkaSources;
import io.posmon.sources.ReferenceDataTime;
import io.posmon.sources.Watermarks;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * posmon's Flink job: transactions and merchant profiles in; merchant alerts (the risk pipeline)
 * and customer and merchant contributions with tier changes (the contribution pipeline) out.
 * Either pipeline can be left out. Together they share one read of Kafka, one decode and one
 * per-merchant operator (dedupe and profile join), which is why they are one job. Sources and
 * sinks are passed in, so tests and the demo wire their own; {@link #onKafka} wires Kafka.
 *
 * <pre>
 * transactions ─ decode ─┬─ keyBy merchant ─┐
 *                        │                  ├─ merchant-risk ─┬─ alerts ──────────────────────┬─ alerts topic
 * profiles ───── decode ─┼─ keyBy merchant ─┤  (dedupe, late, ├─ candidates ─ pattern-rules ─┘
 * rule sets ──── decode ─── broadcast ─────── (to merchant-risk and pattern-rules: the rules in force)
 *                        │                     keyed checks)  ├─ rule status ─ rule-status topic
 *                        │                                    ├─ late ─ late topic
 *                        │                                    └─ spend ─┬─ keyBy customer ─ contributions ─┬─ contributions topic
 *                        │                                              │                  (+ tier changes) └─ tier-changes topic
 *                        │                                              └─ keyBy merchant ─ contributions ─── contributions topic
 *                        └─ dead letters ─ dead-letter topic
 * </pre>
 */
public final class PosmonJob {

    private static final Logger LOG = LoggerFactory.getLogger(PosmonJob.class);

    /**
     * Where the risk pipeline writes.
     *
     * @param ruleStatus what the job did with each published rule set; null when rules are not published to it
     */
    public record RiskOutputs(Sink<MerchantAlert> alerts, Sink<PosTransaction> lateTransactions,
                              Sink<RuleSetStatus> ruleStatus) {
    }

    /**
     * Where the contribution pipeline writes. Customers' and merchants' contributions go to the same
     * topic through a sink each, chained to its operator: one sink for both would be a task of its
     * own, fed over the network, with every record serialized for the hop and again for Kafka.
     */
    public record ContributionOutputs(Sink<CustomerContribution> customerContributions,
                                      Sink<CustomerContribution> merchantContributions, Sink<TierChange> tierChanges,
                                      Sink<PosTransaction> lateTransactions) {
    }

    private final CompiledRules rules;
    private final Source<Either<DeadLetter, PosTransaction>, ?, ?> transactions;
    private final Source<Either<DeadLetter, MerchantProfile>, ?, ?> profiles;
    private final Source<Either<DeadLetter, CustomerHoldings>, ?, ?> holdings;
    private final Source<Either<DeadLetter, RuleSetSnapshot>, ?, ?> ruleUpdates;
    private final Sink<DeadLetter> deadLetters;
    private final StartupProfiles startupProfiles;
    private final RiskOutputs risk;
    private final ContributionOutputs contributions;
    private FaultInjection faults;

    /**
     * @param holdings      customers' product holdings, or null when there is no such input
     * @param ruleUpdates   rule sets published while the job runs, or null: the rules stay those given
     * @param risk          null to leave the risk pipeline out
     * @param contributions null to leave the contribution pipeline out
     */
    public PosmonJob(CompiledRules rules,
                     Source<Either<DeadLetter, PosTransaction>, ?, ?> transactions,
                     Source<Either<DeadLetter, MerchantProfile>, ?, ?> profiles,
                     Source<Either<DeadLetter, CustomerHoldings>, ?, ?> holdings,
                     Source<Either<DeadLetter, RuleSetSnapshot>, ?, ?> ruleUpdates,
                     Sink<DeadLetter> deadLetters,
                     StartupProfiles startupProfiles,
                     RiskOutputs risk,
                     ContributionOutputs contributions) {
        if (contributions != null && (rules.customerContribution() == null || rules.merchantContribution() == null)) {
            throw new IllegalArgumentException("the contribution pipeline needs a 'contribution:' policy in the rules directory");
        }
        this.rules = risk == null ? rules.withoutRiskRules() : rules;
        this.transactions = transactions;
        this.profiles = profiles;
        this.holdings = holdings;
        this.ruleUpdates = risk == null ? null : ruleUpdates;
        this.deadLetters = deadLetters;
        this.startupProfiles = startupProfiles;
        this.risk = risk;
        this.contributions = contributions;
    }

    /** Recovery tests only: fail the job once after each of the plan's checkpoints. */
    public PosmonJob withFaults(FaultInjection plan) {
        this.faults = plan;
        return this;
    }

    /** Both pipelines for a replay in this JVM: read their outputs with {@link #replayStreams}. */
    public static PosmonJob forReplay(CompiledRules rules,
                                      Source<Either<DeadLetter, PosTransaction>, ?, ?> transactions,
                                      Source<Either<DeadLetter, MerchantProfile>, ?, ?> profiles,
                                      StartupProfiles startupProfiles) {
        return new PosmonJob(rules, transactions, profiles, null, null, null, startupProfiles, new RiskOutputs(null, null, null),
                rules.customerContribution() == null ? null : new ContributionOutputs(null, null, null, null));
    }

    /**
     * The job on Kafka, as {@code posmon run} and {@code flink run} start it. Checks first that Kafka
     * accepts the client settings ({@code --kafka-properties}) and has the job's topics: a wrong
     * password is an error here, not a job that fails and restarts on every TaskManager.
     */
    public static PosmonJob onKafka(JobSettings s, boolean withRisk, boolean withContributions) throws Exception {
        CompiledRules rules = RuleCompiler.compile(RuleSetLoader.load(s.rulesDir));
        KafkaClientSecurity security = s.kafkaSecurity();
        LOG.info("Kafka {}, {}", s.bootstrapServers, security);
        Topics.requireAccess(s.bootstrapServers, security, topicsOf(s, withRisk, withContributions));
        return new PosmonJob(rules, KafkaSources.transactions(s, rules.engine()), KafkaSources.profiles(s),
                s.holdingsTopic == null || !withContributions ? null : KafkaSources.holdings(s),
                KafkaSources.ruleUpdates(s), KafkaSinks.deadLetters(s),
                s.profilesFile == null ? null : new StartupProfiles(s.profilesFile.toAbsolutePath().toString()),
                withRisk ? new RiskOutputs(KafkaSinks.alerts(s), KafkaSinks.lateTransactions(s), KafkaSinks.ruleStatus(s))
                        : null,
                withContributions ? new ContributionOutputs(KafkaSinks.contributions(s, "contributions"),
                        KafkaSinks.contributions(s, "merchant-contributions"), KafkaSinks.tierChanges(s),
                        KafkaSinks.lateContributions(s)) : null);
    }

    /** Every topic the job on Kafka reads or writes. */
    private static Set<String> topicsOf(JobSettings s, boolean withRisk, boolean withContributions) {
        Set<String> topics = new TreeSet<>(List.of(s.transactionsTopic, s.profilesTopic, s.rulesTopic, s.deadLetterTopic));
        if (withRisk) {
            topics.addAll(List.of(s.alertsTopic, s.lateTopic, s.ruleStatusTopic));
        }
        if (withContributions) {
            topics.addAll(List.of(s.contributionsTopic, s.tierChangesTopic, s.lateContributionsTopic));
            if (s.holdingsTopic != null) {
                topics.add(s.holdingsTopic);
            }
        }
        return topics;
    }

    /** Adds the job's operators to the environment; operator uids are stable for savepoints. */
    public void build(StreamExecutionEnvironment env) {
        Front front = front(env);
        DataStream<DeadLetter> dead = front.deadLetters();
        if (risk != null) {
            DataStream<MerchantAlert> alerts = alerts(front);
            if (faults != null) {
                alerts = alerts.transform("fault-injection", new AvroTypeInfo<>(MerchantAlert.class), faults.<MerchantAlert>operator())
                        .uid("fault-injection");
            }
            alerts.map(new AlertMetrics(), new AvroTypeInfo<>(MerchantAlert.class)).name("alert-metrics").uid("alert-metrics")
                    .sinkTo(risk.alerts()).name("alerts-sink").uid("alerts-sink");
            front.merchantStage().getSideOutput(MerchantRiskFunction.LATE).sinkTo(risk.lateTransactions())
                    .name("late-sink").uid("late-sink");
            if (risk.ruleStatus() != null) {
                front.merchantStage().getSideOutput(MerchantRiskFunction.RULE_STATUS).sinkTo(risk.ruleStatus())
                        .name("rule-status-sink").uid("rule-status-sink");
            }
        }
        if (contributions != null) {
            dead = buildContributions(env, front.merchantStage().getSideOutput(MerchantRiskFunction.SPEND), dead);
        }
        // One sink per topic: two transactional sinks with one id prefix would fence each other.
        dead.sinkTo(deadLetters).name("dead-letter-sink").uid("dead-letter-sink");
    }

    /** A replay's outputs as streams, without any sink; contributions are null without a contribution policy. */
    public record ReplayStreams(DataStream<MerchantAlert> alerts, DataStream<CustomerContribution> contributions) {
    }

    /**
     * The outputs as streams, without any sink: for rule examples and backtests through the same
     * operators in this JVM ({@code collectAsync}).
     */
    public ReplayStreams replayStreams(StreamExecutionEnvironment env) {
        Front front = front(env);
        DataStream<CustomerContribution> contributionStream = contributions == null ? null
                : contributionStreams(env, front.merchantStage().getSideOutput(MerchantRiskFunction.SPEND),
                        front.deadLetters()).all();
        return new ReplayStreams(alerts(front), contributionStream);
    }

    /** Sources, decoding and the per-merchant operator, which both pipelines share. */
    private record Front(SingleOutputStreamOperator<MerchantAlert> merchantStage,
                         DataStream<RuleSetSnapshot> rules, DataStream<DeadLetter> deadLetters) {
    }

    private Front front(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<PosTransaction> tx = env
                .fromSource(transactions, Watermarks.transactions(rules.engine()), "transactions")
                .uid("transactions-source")
                .process(new SplitDeadLetters<PosTransaction>(), RecordTypes.TRANSACTION)
                .name("decode-transactions").uid("decode-transactions");
        SingleOutputStreamOperator<MerchantProfile> profileUpdates = env
                .fromSource(profiles, Watermarks.<MerchantProfile>referenceData(), "merchant-profiles")
                .uid("profiles-source")
                .process(new SplitDeadLetters<MerchantProfile>(), new AvroTypeInfo<>(MerchantProfile.class))
                .name("decode-profiles").uid("decode-profiles");
        DataStream<MerchantProfile> profilesOutOfTime = outOfEventTime(profileUpdates, MerchantProfile.class, "profiles");
        DataStream<DeadLetter> dead = tx.getSideOutput(SplitDeadLetters.DEAD_LETTERS)
                .union(profileUpdates.getSideOutput(SplitDeadLetters.DEAD_LETTERS));
        DataStream<RuleSetSnapshot> ruleSets;
        if (ruleUpdates == null) {
            ruleSets = outOfEventTime(noRuleUpdates(env), RuleSetSnapshot.class, "no-rule-updates");
        } else {
            // One reader: rule sets must reach every operator in the order they were published.
            SingleOutputStreamOperator<RuleSetSnapshot> decoded = env
                    .fromSource(ruleUpdates, Watermarks.<RuleSetSnapshot>referenceData(), "rule-updates")
                    .setParallelism(1).uid("rule-updates-source")
                    .process(new SplitDeadLetters<RuleSetSnapshot>(), new AvroTypeInfo<>(RuleSetSnapshot.class))
                    .setParallelism(1).name("decode-rule-updates").uid("decode-rule-updates");
            dead = dead.union(decoded.getSideOutput(SplitDeadLetters.DEAD_LETTERS));
            ruleSets = outOfEventTime(decoded, RuleSetSnapshot.class, "rule-updates");
        }

        // Transactions and profile updates as one keyed input: a broadcast input takes one other input.
        TypeInformation<Either<PosTransaction, MerchantProfile>> merchantEvent =
                new EitherTypeInfo<>(RecordTypes.TRANSACTION, new AvroTypeInfo<>(MerchantProfile.class));
        DataStream<Either<PosTransaction, MerchantProfile>> merchantEvents = tx
                .map(t -> Either.<PosTransaction, MerchantProfile>Left(t), merchantEvent)
                .name("transactions-as-merchant-events").uid("transactions-as-merchant-events")
                .union(profilesOutOfTime.map(p -> Either.<PosTransaction, MerchantProfile>Right(p), merchantEvent)
                        .name("profiles-as-merchant-events").uid("profiles-as-merchant-events"));

        SingleOutputStreamOperator<MerchantAlert> merchantStage = merchantEvents
                .keyBy(PosmonJob::merchantOf)
                .connect(ruleSets.broadcast())
                .transform("merchant-risk", new AvroTypeInfo<>(MerchantAlert.class), new StateCachingOperators.Broadcast<>(
                        new MerchantRiskFunction(new LiveRules(rules), startupProfiles, contributions != null),
                        List.of(LiveRules.IN_FORCE)))
                .uid("merchant-risk");
        return new Front(merchantStage, ruleSets, dead);
    }

    /** Reference data joins the transactions without moving their event time (see {@link ReferenceDataTime}). */
    private static <T extends org.apache.avro.specific.SpecificRecordBase> DataStream<T> outOfEventTime(
            DataStream<T> stream, Class<T> type, String name) {
        return stream.transform(name + "-out-of-event-time", new AvroTypeInfo<>(type), new ReferenceDataTime<T>())
                .setParallelism(stream.getParallelism()).uid(name + "-out-of-event-time");
    }

    /** An input of rule sets that ends at once: the rules stay those the job was built with. */
    public static DataStream<RuleSetSnapshot> noRuleUpdates(StreamExecutionEnvironment env) {
        // Flink's collection and generator sources cannot be empty: one number in, no rule set out.
        return env.fromSequence(1, 1).name("no-rule-updates").uid("no-rule-updates")
                .flatMap((Long ignored, Collector<RuleSetSnapshot> out) -> { }, new AvroTypeInfo<>(RuleSetSnapshot.class))
                .name("no-rule-sets").uid("no-rule-sets");
    }

    private static String merchantOf(Either<PosTransaction, MerchantProfile> e) {
        return e.isLeft() ? e.left().getMerchantId() : e.right().getMerchantId();
    }

    /** The keyed checks' alerts and the pattern rules', as one stream. */
    private DataStream<MerchantAlert> alerts(Front front) {
        SingleOutputStreamOperator<MerchantAlert> matched = front.merchantStage()
                .getSideOutput(MerchantRiskFunction.CANDIDATES)
                .keyBy(RuleCandidate::routeKey)
                .connect(front.rules().broadcast())
                .transform("pattern-rules", new AvroTypeInfo<>(MerchantAlert.class),
                        new PatternRulesOperator(new PatternRulesFunction(new LiveRules(rules))))
                .uid("pattern-rules");
        return front.merchantStage().union(matched);
    }

    /** The contribution pipeline's operators, before any sink. */
    private record ContributionStreams(SingleOutputStreamOperator<CustomerContribution> customers,
                                       SingleOutputStreamOperator<CustomerContribution> merchants,
                                       DataStream<DeadLetter> deadLetters) {
        DataStream<CustomerContribution> all() {
            return customers.union(merchants);
        }
    }

    /** Returns the dead letters with those of the holdings input added. */
    private DataStream<DeadLetter> buildContributions(StreamExecutionEnvironment env, DataStream<SpendEvent> spend,
                                                      DataStream<DeadLetter> dead) {
        ContributionStreams c = contributionStreams(env, spend, dead);
        c.customers().sinkTo(contributions.customerContributions()).name("contributions-sink").uid("contributions-sink");
        c.merchants().sinkTo(contributions.merchantContributions()).name("merchant-contributions-sink")
                .uid("merchant-contributions-sink");
        c.customers().getSideOutput(ContributionFunction.TIER_CHANGES).sinkTo(contributions.tierChanges())
                .name("tier-changes-sink").uid("tier-changes-sink");
        c.customers().getSideOutput(ContributionFunction.LATE)
                .union(c.merchants().getSideOutput(ContributionFunction.LATE))
                .sinkTo(contributions.lateTransactions()).name("late-contributions-sink").uid("late-contributions-sink");
        return c.deadLetters();
    }

    private ContributionStreams contributionStreams(StreamExecutionEnvironment env, DataStream<SpendEvent> spend,
                                                    DataStream<DeadLetter> dead) {
        DataStream<SpendEvent> customerEvents = spend.filter(e -> e.tx.getCustomerId() != null).name("own-cards").uid("own-cards");
        if (holdings != null) {
            SingleOutputStreamOperator<CustomerHoldings> held = env
                    .fromSource(holdings, Watermarks.<CustomerHoldings>referenceData(), "customer-holdings")
                    .uid("holdings-source")
                    .process(new SplitDeadLetters<CustomerHoldings>(), new AvroTypeInfo<>(CustomerHoldings.class))
                    .name("decode-holdings").uid("decode-holdings");
            dead = dead.union(held.getSideOutput(SplitDeadLetters.DEAD_LETTERS));
            customerEvents = customerEvents.union(outOfEventTime(held, CustomerHoldings.class, "holdings").map(SpendEvent::holdings, TypeInformation.of(SpendEvent.class))
                    .name("holdings-as-events").uid("holdings-as-events"));
        }
        KeyedStateCache.Limits cacheKeys = rules.engine().stateCacheLimits();
        SingleOutputStreamOperator<CustomerContribution> customers = contributionStage(
                customerEvents.keyBy(SpendEvent::customerId), rules.customerContribution(), cacheKeys, "customer-contributions");
        // Shuffled, not chained to merchant-risk though already partitioned by merchant: merchant-risk is
        // the busiest task, and chained there the merchant contributions made no run faster on two cores
        // (docs/performance-log.md, 2026-12-07 late night).
        SingleOutputStreamOperator<CustomerContribution> merchants = contributionStage(
                spend.keyBy(e -> e.tx.getMerchantId()), rules.merchantContribution(), cacheKeys, "merchant-contributions");
        return new ContributionStreams(customers, merchants, dead);
    }

    private static SingleOutputStreamOperator<CustomerContribution> contributionStage(
            org.apache.flink.streaming.api.datastream.KeyedStream<SpendEvent, String> keyed, ContributionConfig config,
            KeyedStateCache.Limits stateCacheLimits, String name) {
        return keyed.transform(name, new AvroTypeInfo<>(CustomerContribution.class),
                        new ContributionOperator(new ContributionFunction(config, stateCacheLimits)))
                .uid(name);
    }

    public CompiledRules rules() {
        return rules;
    }

    /** Options of {@code flink run}: the job settings, and which pipelines to run. */
    static final class ClusterOptions extends JobSettings {
        @CommandLine.Option(names = "--pipelines", split = ",", defaultValue = "risk,contributions",
                description = "risk, contributions, or both (default)")
        java.util.List<String> pipelines;
    }

    /** Entry point for {@code flink run}. */
    public static void main(String[] args) throws Exception {
        ClusterOptions options = new ClusterOptions();
        new CommandLine(options).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(options));
        onKafka(options, options.pipelines.contains("risk"), options.pipelines.contains("contributions")).build(env);
        env.execute("posmon");
    }
}
