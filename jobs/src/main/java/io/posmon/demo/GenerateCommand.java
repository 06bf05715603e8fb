package io.posmon.demo;

import io.posmon.demo.generator.GeneratorSettings;
import io.posmon.demo.generator.TrafficGenerator;
import io.posmon.jobs.JobSettings;
import io.posmon.kafka.AvroKafka;
import io.posmon.schema.MerchantProfile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Feeds the demo's generated traffic (normal merchants and the planted cases) to an external
 * Kafka, for a stack that should show something at once. It replays the last days at the demo's
 * realistic speed (a simulated day every few wall minutes) and stops when its simulated clock
 * reaches the present: the job refuses event times too far ahead of real time.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes generated merchant profiles and transactions to Kafka, up to the present.")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    JobSettings settings = new JobSettings();

    @Option(names = "--rate", description = "Transactions per wall second. Default: ${DEFAULT-VALUE}")
    double rate = 400;

    @Option(names = "--merchants", description = "Merchants (10 of them are planted cases). Default: ${DEFAULT-VALUE}")
    int merchants = 2_000;

    @Option(names = "--days-back", description = "Simulated days to replay before the present. Default: ${DEFAULT-VALUE}")
    int daysBack = 7;

    @Option(names = "--zone", description = "Time zone of the simulated business days. Default: ${DEFAULT-VALUE}")
    ZoneId zone = ZoneId.of("Asia/Shanghai");

    @Option(names = "--seed", description = "Generator seed. Default: ${DEFAULT-VALUE}")
    long seed = 42;

    @Override
    public Integer call() throws Exception {
        Instant start = LocalDate.now(zone).minusDays(daysBack).atTime(9, 0).atZone(zone).toInstant();
        GeneratorSettings gs = new GeneratorSettings(seed, merchants, GeneratorSettings.defaults().cards(), rate, start,
                GeneratorSettings.realisticSpeed(rate, merchants), zone);
        TrafficGenerator generator = new TrafficGenerator(gs);
        try (KafkaProducer<byte[], byte[]> producer = AvroKafka.producer(settings.bootstrapServers, settings.kafkaSecurity())) {
            var profiles = generator.merchantProfiles();
            AvroKafka.send(producer, settings.profilesTopic, profiles, MerchantProfile::getMerchantId);
            System.out.printf("generate: %d merchant profiles to %s; transactions to %s at %.0f/s, simulated clock x%.0f "
                            + "from %s until now%n", profiles.size(), settings.profilesTopic, settings.transactionsTopic,
                    rate, gs.speed(), start);
            TrafficFeeder feeder = new TrafficFeeder(generator, producer, settings.transactionsTopic, Instant.now());
            feeder.run();
            System.out.printf("generate: %,d transactions sent; the simulated clock reached the present%n", feeder.sent());
        }
        return 0;
    }
}
