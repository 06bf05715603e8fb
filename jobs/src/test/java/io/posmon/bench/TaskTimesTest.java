package io.posmon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskTimesTest {

    @Test
    void namesATaskByTheFirstOperatorOfItsChain() {
        assertThat(TaskTimes.chainHead("Source: transactions -> decode-transactions -> transactions-as-merchant-events"))
                .isEqualTo("Source: transactions");
        assertThat(TaskTimes.chainHead("merchant-risk")).isEqualTo("merchant-risk");
    }

    @Test
    void givesEachTasksShareOfItsOwnTimeAndSaysWhenNothingWasMeasured() {
        Map<String, TaskTimes.Split> byTask = new LinkedHashMap<>();
        byTask.put("merchant-risk", new TaskTimes.Split(19_600, 0, 400));
        byTask.put("Source: transactions", new TaskTimes.Split(9_000, 10_600, 400));
        byTask.put("late-sink", new TaskTimes.Split(0, 0, 0));
        assertThat(TaskTimes.summary(byTask)).isEqualTo(
                "merchant-risk: busy 98%, back-pressured 0%, idle 2%; "
                        + "Source: transactions: busy 45%, back-pressured 53%, idle 2%; late-sink: not measured");
        assertThat(TaskTimes.summary(Map.of())).isEqualTo("not measured");
    }
}
