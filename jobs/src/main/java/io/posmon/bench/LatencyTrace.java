package io.posmon.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.SubtaskStateStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;

/**
 * A latency run's raw record, to see where alerts wait: every alert with the time its transaction
 * was appended and its latency, and every checkpoint of the run with each subtask's phases. A late
 * alert next to a checkpoint's trigger time points at that checkpoint; its phases say which part.
 * Written as two CSV files per run ({@code <run>alerts.csv}, {@code <run>checkpoints.csv}).
 */
final class LatencyTrace {

    /** One alert: the append time of the transaction that tripped it, and its latency. */
    record Alert(long appendedAt, long millis, String ruleId) {
    }

    private LatencyTrace() {
    }

    /**
     * Writes the run's two files and returns what the keyed operators paused for at the run's
     * checkpoints: the synchronous part of each subtask's snapshot (median and max), when no
     * record moves through that subtask.
     */
    static String write(Path dir, String run, List<Alert> alerts, ArchivedExecutionGraph graph) throws IOException {
        Files.createDirectories(dir);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve(run + "alerts.csv")))) {
            out.println("appended_at_ms,latency_ms,rule");
            for (Alert a : alerts) {
                out.println(a.appendedAt() + "," + a.millis() + "," + a.ruleId());
            }
        }
        java.util.Map<String, List<Long>> syncByOperator = new java.util.TreeMap<>();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve(run + "checkpoints.csv")))) {
            // Flink's own phases per subtask: start delay (trigger to the barrier reaching the
            // subtask), alignment (waiting for the barrier on every input), sync (the snapshot
            // while the subtask is stopped), async (upload, while it runs on).
            out.println("checkpoint,status,triggered_at_ms,operator,subtask,acked_at_ms,start_delay_ms,alignment_ms,sync_ms,async_ms");
            for (AbstractCheckpointStats cp : graph.getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
                for (AccessExecutionJobVertex v : graph.getAllVertices().values()) {
                    TaskStateStats task = cp.getTaskStateStats(v.getJobVertexId());
                    if (task == null) {
                        continue;
                    }
                    for (SubtaskStateStats st : task.getSubtaskStats()) {
                        if (st == null) {
                            continue;
                        }
                        String operator = v.getName().split(" ")[0];
                        if (operator.equals("merchant-risk") || operator.equals("pattern-rules")) {
                            syncByOperator.computeIfAbsent(operator, o -> new java.util.ArrayList<>()).add(st.getSyncCheckpointDuration());
                        }
                        out.println(cp.getCheckpointId() + "," + cp.getStatus() + "," + cp.getTriggerTimestamp() + ","
                                + v.getName().replace(',', ';') + "," + st.getSubtaskIndex() + "," + st.getAckTimestamp() + ","
                                + st.getCheckpointStartDelay() + "," + st.getAlignmentDuration() + ","
                                + st.getSyncCheckpointDuration() + "," + st.getAsyncCheckpointDuration());
                    }
                }
            }
        }
        StringBuilder pauses = new StringBuilder();
        syncByOperator.forEach((operator, millis) -> {
            millis.sort(null);
            pauses.append(pauses.length() == 0 ? "" : "; ").append(operator).append(' ')
                    .append(millis.get(millis.size() / 2)).append(" / ").append(millis.get(millis.size() - 1)).append(" ms");
        });
        return pauses.length() == 0 ? "-" : pauses.toString();
    }
}
