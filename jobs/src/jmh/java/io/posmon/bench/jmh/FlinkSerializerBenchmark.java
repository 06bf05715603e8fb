package io.posmon.bench.jmh;

import io.posmon.operators.SeenTransaction;
import io.posmon.operators.TransactionContext;
import io.posmon.operators.checks.VolumeHistory;
import io.posmon.operators.contribution.SpendEvent;
import io.posmon.operators.patterns.CompiledPattern;
import io.posmon.operators.patterns.PatternCandidate;
import io.posmon.operators.patterns.RuleCandidate;
import io.posmon.operators.state.OwnSerializers;
import io.posmon.records.RecordTypes;
import io.posmon.schema.CardType;
import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flink's serializers for the records that cross the network between the job's operators, with
 * the type information the job declares for them (serializer config defaults, as in the job):
 * <ul>
 *   <li>{@code PosTransaction}: its own serializer ({@link RecordTypes#TRANSACTION}), and (suffix
 *       {@code -avro}) Flink's Avro serializer ({@link AvroTypeInfo}) it replaced;</li>
 *   <li>{@code MerchantEvent}: {@code Either<PosTransaction, MerchantProfile>}, what actually crosses
 *       the keyBy(merchant) into the merchant operator (a tag byte and the transaction);</li>
 *   <li>{@code SpendEvent}: what the merchant operator sends to the contribution operators
 *       (keyBy customer and keyBy merchant), with its own serializer and (suffix {@code -pojo})
 *       with Flink's POJO serializer, the transaction inside through Avro;</li>
 *   <li>{@code RuleCandidate}: what it sends to the pattern operator (keyBy rule and partition).</li>
 * </ul>
 * and two values of the merchant operator's state, written at checkpoints and read when a merchant
 * comes back into the cache, with their own serializers and (suffix {@code -pojo}) with Flink's
 * POJO serializer they replaced: {@code SeenTransaction} (a dedupe id's value) and
 * {@code VolumeHistory} (the volume rule's 28 days, here of merchants selling 12 hours a day,
 * with amounts and counts taken from the workload's transactions).
 * Records are made from the workload as the merchant operator makes them. {@code serialize} writes
 * one record into a reused buffer; {@code roundTrip} also reads it back into a new object, what the
 * receiving task does; {@code copy} is what a chained operator does to each record when object
 * reuse is off (the job's default).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.posmon.schema", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class FlinkSerializerBenchmark {

    @Param({"PosTransaction", "PosTransaction-avro", "MerchantEvent", "SpendEvent", "SpendEvent-pojo", "RuleCandidate",
            "SeenTransaction", "SeenTransaction-pojo", "VolumeHistory", "VolumeHistory-pojo"})
    public String record;

    private TypeSerializer<Object> serializer;
    private Object[] records;
    private final DataOutputSerializer out = new DataOutputSerializer(1024);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private int i;

    @Setup
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() throws Exception {
        Workload w = Workload.get();
        TypeInformation<?> type;
        List<Object> made = new ArrayList<>();
        switch (record) {
            case "PosTransaction", "PosTransaction-avro" -> {
                type = record.endsWith("-avro") ? new AvroTypeInfo<>(PosTransaction.class) : RecordTypes.TRANSACTION;
                made.addAll(List.of(w.transactions));
            }
            case "MerchantEvent" -> {
                // As PosmonJob declares the merchant operator's keyed input.
                type = new EitherTypeInfo<>(RecordTypes.TRANSACTION, new AvroTypeInfo<>(MerchantProfile.class));
                for (PosTransaction tx : w.transactions) {
                    made.add(Either.<PosTransaction, MerchantProfile>Left(tx));
                }
            }
            case "SpendEvent", "SpendEvent-pojo" -> {
                // As MerchantRiskFunction declares its SPEND side output and fills each event.
                type = record.endsWith("-pojo") ? OwnSerializers.pojoTypeOf(SpendEvent.class) : TypeInformation.of(SpendEvent.class);
                for (PosTransaction tx : w.approved) {
                    MerchantProfile p = w.profiles.get(tx.getMerchantId());
                    SpendEvent e = new SpendEvent();
                    e.tx = tx;
                    e.profileKnown = p != null;
                    e.mcc = p == null ? null : p.getMcc();
                    e.mccGroup = p == null ? w.groups.fallback() : w.groups.groupOf(p.getMcc());
                    e.feeRateBps = p == null ? 0 : p.getFeeRateBps();
                    e.merchantRegion = p == null ? null : p.getRegion();
                    made.add(e);
                }
            }
            case "RuleCandidate" -> {
                // As MerchantRiskFunction declares its CANDIDATES side output and makes them:
                // one per pattern rule that accepts the transaction.
                type = TypeInformation.of(RuleCandidate.class);
                TransactionContext.SeenLookup seen = w.seenLookup();
                for (int k = 0; k < w.approved.length; k++) {
                    TransactionContext c = w.context(k, seen);
                    PatternCandidate candidate = PatternCandidate.of(c);
                    Supplier<PatternCandidate> once = () -> candidate;
                    for (CompiledPattern p : w.rules.patterns()) {
                        if (p.accepts(c.tx, once)) {
                            made.add(new RuleCandidate(p.routeKey(candidate), 1, candidate));
                        }
                    }
                }
            }
            case "SeenTransaction", "SeenTransaction-pojo" -> {
                type = record.endsWith("-pojo") ? OwnSerializers.pojoTypeOf(SeenTransaction.class)
                        : TypeInformation.of(SeenTransaction.class);
                for (PosTransaction tx : w.transactions) {
                    SeenTransaction t = new SeenTransaction();
                    t.eventTime = tx.getEventTime().toEpochMilli();
                    t.amountMinor = tx.getAmountMinor();
                    t.businessDay = (int) (t.eventTime / 86_400_000L);
                    t.creditSale = tx.getCardType() == CardType.CREDIT;
                    made.add(t);
                }
            }
            case "VolumeHistory", "VolumeHistory-pojo" -> {
                type = record.endsWith("-pojo") ? OwnSerializers.pojoTypeOf(VolumeHistory.class)
                        : TypeInformation.of(VolumeHistory.class);
                int k = 0;
                for (int m = 0; m < 64; m++) {
                    VolumeHistory h = new VolumeHistory();
                    h.days = new int[28];
                    h.amount = new long[28];
                    h.count = new int[28];
                    h.hourAmount = new long[28 * 24];
                    h.hourCount = new int[28 * 24];
                    for (int d = 0; d < 28; d++) {
                        h.days[d] = 20_400 + d;
                        for (int hour = 8; hour < 20; hour++) {
                            long amount = w.transactions[k++ % w.transactions.length].getAmountMinor() * (1 + hour % 3);
                            h.hourAmount[d * 24 + hour] = amount;
                            h.hourCount[d * 24 + hour] = 1 + hour % 3;
                            h.amount[d] += amount;
                            h.count[d] += 1 + hour % 3;
                        }
                    }
                    made.add(h);
                }
            }
            default -> throw new IllegalArgumentException(record);
        }
        serializer = (TypeSerializer) type.createSerializer(new SerializerConfigImpl());
        records = made.toArray();
        long bytes = 0;
        for (Object r : records) {
            out.clear();
            serializer.serialize(r, out);
            bytes += out.length();
            in.setBuffer(out.getSharedBuffer(), 0, out.length());
            byte[] written = out.getCopyOfBuffer();
            Object back = serializer.deserialize(in);
            // The record read back must write the same bytes, or the benchmark would time a broken serializer.
            out.clear();
            serializer.serialize(back, out);
            if (!java.util.Arrays.equals(out.getCopyOfBuffer(), written)) {
                throw new IllegalStateException(record + " does not survive a round trip: " + r);
            }
        }
        System.out.printf("%s: %s (%s), %d records, %.1f bytes each on average%n", record,
                serializer.getClass().getSimpleName(), type, records.length, bytes / (double) records.length);
    }

    private Object next() {
        Object r = records[i];
        if (++i == records.length) {
            i = 0;
        }
        return r;
    }

    /** One record into the network buffer's form. */
    @Benchmark
    public int serialize() throws Exception {
        out.clear();
        serializer.serialize(next(), out);
        return out.length();
    }

    /** Written and read back into a new object, as between two tasks. */
    @Benchmark
    public Object roundTrip() throws Exception {
        out.clear();
        serializer.serialize(next(), out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return serializer.deserialize(in);
    }

    /** The deep copy between chained operators when object reuse is off. */
    @Benchmark
    public Object copy() {
        return serializer.copy(next());
    }
}
