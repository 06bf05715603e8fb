package io.posmon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void groupsTheSubtasksAndWorkersOfOneKindUnderOneName() {
        assertThat(ThreadCpu.group("merchant-risk -")).isEqualTo("merchant-risk");
        assertThat(ThreadCpu.group("pattern-rules (")).isEqualTo("pattern-rules");
        assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(ThreadCpu.group("G1 Refine#0")).isEqualTo("G1 Refine");
        assertThat(ThreadCpu.group("rocksdb:high")).isEqualTo("rocksdb:high");
        assertThat(ThreadCpu.group("Source: transac")).isEqualTo("Source: transac");
        assertThat(ThreadCpu.group("42")).isEqualTo("42");
    }

    @Test
    void readsTheNameAndTheUserAndSystemTicksOfAStatLine() {
        // A name with spaces and a parenthesis; utime 120 and stime 7 are the 14th and 15th fields.
        String stat = "4711 (pattern-rules (1) S 1 4711 4711 0 -1 4194624 3290 0 0 0 120 7 0 0 20 0 84 0 1234 0 0";
        assertThat(ThreadCpu.parse(stat)).containsExactly("pattern-rules (1", "127");
    }

    @Test
    void countsTheTimeOfAThreadThatEndedBeforeTheSamplerClosed() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        ThreadCpu cpu = new ThreadCpu(20);
        Thread burner = new Thread(() -> {
            long until = System.nanoTime() + 400_000_000L;
            long x = 0;
            while (System.nanoTime() < until) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "cpu-burner#3");
        burner.start();
        burner.join();
        Thread.sleep(100); // the thread is gone: only the samples taken while it ran can count it
        cpu.close();
        assertThat(cpu.percentOfOneCore()).containsKey("cpu-burner");
        assertThat(cpu.percentOfOneCore().get("cpu-burner")).isPositive();
        assertThat(ThreadCpu.summary(cpu.percentOfOneCore(), 3)).contains("all threads");
        // The whole JVM's time counts the ended thread's too.
        assertThat(cpu.cpuSeconds()).isPositive();
    }
}
