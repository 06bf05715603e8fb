package io.posmon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.rules.compiler.CompiledRules;
import io.posmon.rules.compiler.RuleCompiler;
import io.posmon.rules.parser.RuleSetLoader;
import io.posmon.sources.KafkaSources;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * Which operators share a task (a thread per subtask) in the job with both pipelines. Records that
 * cross between tasks are serialized and handed to another thread, so what is chained is a matter
 * of cost, and a change of the job's wiring can undo it silently: the job still gives the same
 * records. Nothing is run; the job graph is built as {@code flink run} submits it.
 */
class PosmonJobGraphTest {

    private static List<String> tasks(int parallelism) throws Exception {
        JobSettings s = new JobSettings();
        s.rulesDir = Path.of("../rules");
        CompiledRules rules = RuleCompiler.compile(RuleSetLoader.load(s.rulesDir));
        PosmonJob job = new PosmonJob(rules, KafkaSources.transactions(s, rules.engine()), KafkaSources.profiles(s),
                null, null, new DiscardingSink<>(), null,
                new PosmonJob.RiskOutputs(new DiscardingSink<>(), new DiscardingSink<>(), null),
                new PosmonJob.ContributionOutputs(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.configuration(s));
        env.setParallelism(parallelism);
        job.build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        return StreamSupport.stream(graph.getVertices().spliterator(), false).map(JobVertex::getName).toList();
    }

    @Test
    void merchantContributionsRunInTheMerchantOperatorsTaskAndCustomerContributionsInTheirOwn() throws Exception {
        for (int parallelism : new int[] {1, 2}) {
            List<String> tasks = tasks(parallelism);
            // The spend events leave merchant-risk partitioned by merchant: no shuffle to the merchant contributions.
            assertThat(tasks).filteredOn(t -> t.contains("merchant-contributions"))
                    .singleElement().asString().contains("merchant-risk", "merchant-contributions-sink");
            // The customer contributions are keyed by customer: a shuffle, so a task of their own with their sink.
            assertThat(tasks).filteredOn(t -> t.contains("customer-contributions"))
                    .singleElement().asString().doesNotContain("merchant-risk").contains("contributions-sink");
        }
    }
}
