package io.posmon.cli;

import io.posmon.demo.GenerateCommand;
import io.posmon.jobs.JobSettings;
import io.posmon.kafka.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The commands a deployment runs beside the jobs, from the cluster jar alone (with Flink's lib on
 * the class path, as in the job image): create the topics, and feed generated traffic. Kept apart
 * from {@link PosmonCli}, whose demo and bench need the in-process broker the cluster jar leaves out.
 */
@Command(name = "posmon-cluster-tools", mixinStandardHelpOptions = true,
        subcommands = {ClusterTools.CreateTopics.class, GenerateCommand.class},
        description = "Topic creation and traffic generation for a deployed posmon.")
public final class ClusterTools implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create-topics", mixinStandardHelpOptions = true,
            description = "Creates the missing topics: profiles, contributions and holdings compacted, the rest kept forever.")
    static final class CreateTopics implements Callable<Integer> {
        @Mixin
        JobSettings settings = new JobSettings();

        @Option(names = "--partitions", description = "Partitions of the keyed topics. Default: ${DEFAULT-VALUE}")
        int partitions = 4;

        @Override
        public Integer call() throws Exception {
            Topics.createTopics(settings.bootstrapServers, settings, partitions);
            System.out.println("create-topics: topics present on " + settings.bootstrapServers);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterTools()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
