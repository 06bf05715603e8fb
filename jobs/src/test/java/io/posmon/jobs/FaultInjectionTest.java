package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The recovery tests' chaos operator injects every planned failure, even when the input ends early. */
class FaultInjectionTest {

    private static OneInputStreamOperatorTestHarness<String, String> open(FaultInjection plan) throws Exception {
        OneInputStreamOperator<String, String> op = plan.operator();
        var h = new OneInputStreamOperatorTestHarness<>(op);
        h.open();
        return h;
    }

    @Test
    void failsAfterCheckpointsSpacedApartThenAtTheEndOfInputForWhatIsStillDue() throws Exception {
        FaultInjection plan = new FaultInjection(UUID.randomUUID().toString(), 3, 2);
        var h = open(plan);
        h.processElement("alert", 1L);
        assertThat(h.extractOutputValues()).containsExactly("alert");
        assertThatThrownBy(() -> h.notifyOfCompletedCheckpoint(1)).isInstanceOf(FaultInjection.InjectedFailure.class);
        h.notifyOfCompletedCheckpoint(1); // each checkpoint fails the job once
        h.notifyOfCompletedCheckpoint(2); // not yet: two checkpoints apart
        assertThat(plan.injected()).isEqualTo(1);
        assertThatThrownBy(() -> h.notifyOfCompletedCheckpoint(3)).isInstanceOf(FaultInjection.InjectedFailure.class);
        h.close();

        // The restarted job reaches the end of its input before another checkpoint completes.
        var restarted = open(plan);
        assertThatThrownBy(() -> ((BoundedOneInput) restarted.getOneInputOperator()).endInput())
                .isInstanceOf(FaultInjection.InjectedFailure.class).hasMessageContaining("end of the input");
        assertThat(plan.injected()).isEqualTo(3);
        restarted.close();

        var last = open(plan);
        ((BoundedOneInput) last.getOneInputOperator()).endInput();
        last.notifyOfCompletedCheckpoint(10);
        assertThat(plan.injected()).isEqualTo(3);
        last.close();
    }
}
