package io.posmon.bench.jmh;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import org.openjdk.jmh.Main;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;

/**
 * What the Maven profile {@code jmh} runs: JMH with the options of {@code -Djmh.args} (one string,
 * split at white space), the results as JSON in {@code <prefix>.json} (unless the options name
 * another result file) and the human-readable output both on the console and in {@code <prefix>.txt}.
 * A benchmark that throws fails the run (JMH's {@code -foe true}) unless the options say otherwise.
 *
 * <p>Arguments: the result file prefix, then the JMH options string.
 */
public final class JmhLauncher {

    private JmhLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JmhLauncher <result-prefix> [\"<jmh options>\"]");
            System.exit(2);
        }
        Path prefix = Path.of(args[0]);
        String[] jmhArgs = Arrays.stream(args, 1, args.length)
                .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty())
                .toArray(String[]::new);
        CommandLineOptions cmd = new CommandLineOptions(jmhArgs);
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            Main.main(jmhArgs);
            return;
        }
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cmd);
        if (!cmd.getResultFormat().hasValue()) {
            builder.resultFormat(ResultFormatType.JSON);
        }
        if (!cmd.getResult().hasValue()) {
            builder.result(prefix + "." + cmd.getResultFormat().orElse(ResultFormatType.JSON).toString().toLowerCase());
        }
        if (!cmd.shouldFailOnError().hasValue()) {
            builder.shouldFailOnError(true);
        }
        Options options = builder.build();

        Files.createDirectories(prefix.toAbsolutePath().getParent());
        Path text = Path.of(prefix + ".txt");
        Collection<RunResult> results;
        PrintStream console = System.out;
        PrintStream consoleErr = System.err;
        try (OutputStream file = new FileOutputStream(text.toFile());
             PrintStream both = new PrintStream(new Tee(console, file), true, StandardCharsets.UTF_8);
             PrintStream bothErr = new PrintStream(new Tee(consoleErr, file), true, StandardCharsets.UTF_8)) {
            // JMH passes what the benchmark JVMs print (their set-up reports) to System.out and System.err.
            System.setOut(both);
            System.setErr(bothErr);
            results = new Runner(options, OutputFormatFactory.createFormatInstance(both,
                    cmd.verbosity().orElse(VerboseMode.NORMAL))).run();
        } finally {
            System.setOut(console);
            System.setErr(consoleErr);
        }
        System.out.println("JMH output also in " + text.toAbsolutePath() + ", results in "
                + options.getResult().orElse("(none)"));
        if (results.isEmpty()) {
            System.err.println("No benchmark ran (does the name pattern match any? -Djmh.args=-l lists them)");
            System.exit(1);
        }
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }

        @Override
        public void close() throws IOException {
            // System.out stays open; the file is closed by its owner.
            flush();
        }
    }
}
