package io.posmon.operators;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.schema.MerchantAlert;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import io.posmon.testing.Tx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import io.posmon.operators.state.StateCachingOperators;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import io.posmon.schema.RuleSetSnapshot;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * {@link MerchantRiskFunction} built from the shipped rules on Flink's keyed broadcast test harness:
 * transactions and profiles on the keyed input (transactions timestamped with their event time).
 */
final class RiskHarness implements AutoCloseable {

    static final CompiledRules RULES = compileShipped();

    private final KeyedBroadcastOperatorTestHarness<String, Either<PosTransaction, MerchantProfile>, RuleSetSnapshot, MerchantAlert> harness;

    private MerchantRiskFunction function;

    RiskHarness() throws Exception {
        this((StartupProfiles) null);
    }

    /** With the start-up profiles of a file, as the job opens it with {@code --profiles-file}. */
    RiskHarness(StartupProfiles startup) throws Exception {
        function = new MerchantRiskFunction(new LiveRules(RULES), startup);
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function,
                e -> e.isLeft() ? e.left().getMerchantId() : e.right().getMerchantId(), Types.STRING, LiveRules.IN_FORCE);
    }

    /**
     * The operator as the job runs it (its state cache in write-back mode) on the given backend,
     * restored from {@code restored} when not null; {@link #snapshot} takes a checkpoint of it.
     */
    RiskHarness(StateBackend backend, OperatorSubtaskState restored) throws Exception {
        function = new MerchantRiskFunction(new LiveRules(RULES), null);
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new StateCachingOperators.Broadcast<>(function, List.of(LiveRules.IN_FORCE)),
                e -> e.isLeft() ? e.left().getMerchantId() : e.right().getMerchantId(), Types.STRING, 1, 1, 0);
        harness.setStateBackend(backend);
        harness.setup();
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    /** A checkpoint: the state cache writes the backend before the barrier, as in the job. */
    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        harness.prepareSnapshotPreBarrier(checkpointId);
        return harness.snapshot(checkpointId, checkpointId);
    }

    private static CompiledRules compileShipped() {
        try {
            return RuleCompiler.compile(RuleSetLoader.load(Path.of("../rules")));
        } catch (Exception e) {
            throw new IllegalStateException("shipped rules do not load", e);
        }
    }

    static String version(String ruleId) {
        return RULES.rules().stream().filter(r -> r.id().equals(ruleId)).findFirst().orElseThrow().version();
    }

    RiskHarness profile(MerchantProfile p) throws Exception {
        harness.processElement(Either.Right(p), p.getUpdatedAt() == null ? 0L : p.getUpdatedAt().toEpochMilli());
        return this;
    }

    RiskHarness tx(PosTransaction... txs) throws Exception {
        for (PosTransaction t : txs) {
            harness.processElement(Either.Left(t), t.getEventTime().toEpochMilli());
        }
        return this;
    }

    /** Transactions' event time reaches {@code at}; the rule-set input, like the job's, is at the end of time. */
    RiskHarness watermark(Instant at) throws Exception {
        harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        harness.processWatermark(new Watermark(at.toEpochMilli()));
        return this;
    }

    RiskHarness watermark(String localTime) throws Exception {
        return watermark(Tx.local(localTime));
    }

    MerchantRiskFunction function() {
        return function;
    }

    List<MerchantAlert> alerts() {
        return harness.extractOutputValues();
    }

    List<MerchantAlert> alerts(String ruleId) {
        return alerts().stream().filter(a -> a.getRuleId().equals(ruleId)).collect(Collectors.toList());
    }

    List<PosTransaction> late() {
        return harness.getSideOutput(MerchantRiskFunction.LATE) == null ? List.of()
                : harness.getSideOutput(MerchantRiskFunction.LATE).stream().map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
