package io.posmon.sinks;

import io.posmon.schema.ContributionSubject;
import io.posmon.schema.CustomerContribution;
import io.posmon.schema.PeriodType;
import io.posmon.schema.Tier;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.core.memory.ByteArrayOutputStreamWithPos;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A contribution record's Kafka value, as the contribution sinks write up to four per transaction:
 * {@code compiledPlan} through the sinks' serializer ({@link AvroRecordSerializer}, with its
 * {@link CompiledRecordWriter}), {@code avroWriter} through Avro's {@code SpecificDatumWriter} into
 * the same reused buffer and buffered encoder (what the serializer did before the plan). The
 * records are those the contribution operators emit: a day or month of a customer or merchant,
 * with its spending by MCC group (here in the same benchmark package as the package-private serializer).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ContributionRecordWriteBenchmark {

    private static final String[] GROUPS = {"GROCERY", "RESTAURANT", "RETAIL", "TRAVEL", "WHOLESALE"};

    private CustomerContribution[] records;
    private AvroRecordSerializer<CustomerContribution> serializer;
    private SpecificDatumWriter<CustomerContribution> avro;
    private ByteArrayOutputStreamWithPos buffer;
    private BinaryEncoder encoder;
    private int i;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(11);
        records = new CustomerContribution[256];
        for (int k = 0; k < records.length; k++) {
            boolean day = random.nextBoolean();
            boolean customer = random.nextBoolean();
            LocalDate start = day ? LocalDate.of(2026, 11, 1 + random.nextInt(30)) : LocalDate.of(2026, 11, 1);
            Map<String, Long> byGroup = new TreeMap<>();
            for (int g = random.nextInt(1, 4); g > 0; g--) {
                byGroup.put(GROUPS[random.nextInt(GROUPS.length)], random.nextLong(100, 5_000_000));
            }
            CustomerContribution r = new CustomerContribution();
            r.setSubjectType(customer ? ContributionSubject.CUSTOMER : ContributionSubject.MERCHANT);
            r.setSubjectId(customer ? "C" + random.nextInt(1_000_000) : "M" + random.nextInt(100_000));
            r.setPeriodType(day ? PeriodType.DAY : PeriodType.MONTH);
            r.setPeriod(day ? start.toString() : "2026-11");
            r.setPeriodStart(start);
            r.setPeriodEnd(day ? start.plusDays(1) : start.plusMonths(1));
            r.setRegion(random.nextInt(4) == 0 ? null : "CN-ZJ");
            r.setCurrency("CNY");
            r.setEligibleSpendingMinor(random.nextLong(100, 50_000_000));
            r.setExcludedSpendingMinor(random.nextInt(5) == 0 ? random.nextLong(100, 1_000_000) : 0);
            r.setTransactionCount(random.nextInt(1, 200));
            r.setDistinctCounterparties(random.nextInt(1, 150));
            r.setInstalmentAmountMinor(random.nextInt(10) == 0 ? random.nextLong(100, 5_000_000) : 0);
            r.setFeeRevenueMinor(random.nextLong(0, 300_000));
            r.setSpendingByMccGroup(byGroup);
            r.setPoints(random.nextLong(0, 50_000));
            r.setPoints6Months(random.nextLong(0, 300_000));
            r.setEligibleSpending12MonthsMinor(random.nextLong(100, 500_000_000));
            r.setTier(customer ? Tier.values()[random.nextInt(Tier.values().length)] : Tier.NOT_RATED);
            r.setIsFinal(random.nextInt(10) == 0);
            r.setRevision(random.nextInt(1, 300));
            r.setLastEventTime(Instant.parse("2026-11-20T08:00:00Z").plusSeconds(random.nextInt(86_400)));
            r.setPolicyVersion("contribution-2026-11");
            r.setEmittedAt(Instant.parse("2026-11-20T09:00:00Z").plusMillis(random.nextInt(86_400_000)));
            records[k] = r;
        }
        serializer = new AvroRecordSerializer<>("customer-contributions", CustomerContribution.class, r -> r.getSubjectId());
        SpecificData model = SpecificData.getForClass(CustomerContribution.class);
        avro = new SpecificDatumWriter<>(model.getSchema(CustomerContribution.class), model);
        buffer = new ByteArrayOutputStreamWithPos(512);
        encoder = EncoderFactory.get().binaryEncoder(buffer, null);
    }

    private CustomerContribution next() {
        i = (i + 1) & (records.length - 1);
        return records[i];
    }

    @Benchmark
    public byte[] compiledPlan() {
        return serializer.value(next());
    }

    @Benchmark
    public byte[] avroWriter() throws IOException {
        buffer.reset();
        avro.write(next(), encoder);
        encoder.flush();
        return buffer.toByteArray();
    }
}
