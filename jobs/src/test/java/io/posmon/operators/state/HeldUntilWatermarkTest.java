package io.posmon.operators.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.api.Test;

/**
 * The held work's order against the operator's timers, and its checkpoint blob read back by key
 * group. The operators that use it are tested against Flink's timers in ContributionOperatorTest
 * and CountedStepsMatcherTest.
 */
class HeldUntilWatermarkTest {

    /** What happened, in order: "timers to T" for each advance of the timers, "take T [work]" for each time taken. */
    private final List<String> events = new ArrayList<>();

    private InternalTimeServiceManager<?> timers() {
        return (InternalTimeServiceManager<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {InternalTimeServiceManager.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("advanceWatermark")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    events.add("timers to " + ((Watermark) args[0]).getTimestamp());
                    return null;
                });
    }

    @Test
    void takesEachTimeUpToTheWatermarkInOrderAfterTheTimersDueByThen() throws Exception {
        HeldUntilWatermark<List<String>> held = new HeldUntilWatermark<>();
        held.at(30, ArrayList::new).add("c");
        held.at(10, ArrayList::new).add("a");
        held.at(10, ArrayList::new).add("b");
        held.at(50, ArrayList::new).add("e");
        assertThat(held.anyDueBy(9)).isFalse();
        assertThat(held.anyDueBy(10)).isTrue();

        held.takeUpTo(40, timers(), (time, work) -> {
            events.add("take " + time + " " + work);
            if (time == 10) {
                held.at(20, ArrayList::new).add("d"); // added while taking, for a time already passed
            }
        });
        held.timersReached(40);
        assertThat(events).containsExactly("timers to 10", "take 10 [a, b]", "timers to 20", "take 20 [d]",
                "timers to 30", "take 30 [c]");

        // Timers already at 40 are not advanced back to a later-held time at or before it.
        events.clear();
        held.at(40, ArrayList::new).add("f");
        held.takeUpTo(60, timers(), (time, work) -> events.add("take " + time + " " + work));
        assertThat(events).containsExactly("take 40 [f]", "timers to 50", "take 50 [e]");
        assertThat(held.anyDueBy(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void aStoredBlobIsReadBackEntryByEntryKeepingTheKeysOfTheSubtasksOwnKeyGroups() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("key-" + i);
        }
        FakeListState stored = new FakeListState();
        HeldUntilWatermark.store(stored, keys.size(), 10, out -> {
            for (String k : keys) {
                StringSerializer.INSTANCE.serialize(k, out);
            }
        });
        assertThat(stored.blobs).hasSize(1);

        int maxParallelism = 128;
        List<String> restored = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            List<String> own = new ArrayList<>();
            HeldUntilWatermark.readOwn(stored, new TaskInfoImpl("t", maxParallelism, subtask, 2, 0), (in, owned) -> {
                String k = StringSerializer.INSTANCE.deserialize(in);
                if (owned.test(k)) {
                    own.add(k);
                }
            });
            int index = subtask;
            assertThat(own).allSatisfy(k -> assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(k, maxParallelism, 2))
                    .isEqualTo(index));
            restored.addAll(own);
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(keys);
    }

    /** Union list state as the restore sees it: the blobs of every subtask. */
    private static final class FakeListState implements ListState<byte[]> {
        final List<byte[]> blobs = new ArrayList<>();

        @Override
        public void update(List<byte[]> values) {
            blobs.clear();
            blobs.addAll(values);
        }

        @Override
        public void addAll(List<byte[]> values) {
            blobs.addAll(values);
        }

        @Override
        public Iterable<byte[]> get() {
            return blobs;
        }

        @Override
        public void add(byte[] value) {
            blobs.add(value);
        }

        @Override
        public void clear() {
            blobs.clear();
        }
    }
}
