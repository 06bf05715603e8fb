package io.posmon.demo.generator;

import io.posmon.schema.MerchantProfile;
import io.posmon.schema.PosTransaction;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic acquiring traffic for demos and tests: a merchant population with
 * planted rule cases, and their POS transactions in simulated time.
 *
 * <p>{@code ratePerSecond} is the average over a simulated day: the rate follows the merchants'
 * daily rhythm (meal times, shopping evenings, quiet nights). At the default settings that is
 * about 490 events per wall second at the 09:00 start, about 900 at the evening peak and a few
 * at night.
 *
 * <p>Traffic is planned one clock hour at a time, forward from the simulated start, and handed
 * out in emission order; so the output depends only on the seed and on how far the calls have
 * reached, not on how the calls cut the time. Calls are meant to move forward: transactions
 * before an earlier call's end are not produced again. Not thread-safe.
 */
public final class TrafficGenerator {
    private final GeneratorSettings settings;
    private final List<Merchant> merchants;
    private final TransactionWriter writer;
    private final NormalTraffic normal;
    private final PlantedTraffic planted;
    private Instant plannedUntil;
    private int scriptedDays;

    public TrafficGenerator(GeneratorSettings settings) {
        this.settings = settings;
        this.merchants = MerchantFactory.create(settings);
        CardPool cards = new CardPool(settings.seed(), settings.cards());
        SplittableRandom rng = new SplittableRandom(settings.seed());
        this.writer = new TransactionWriter(settings.seed(), rng);
        this.normal = new NormalTraffic(merchants, cards, writer, rng, settings);
        this.planted = new PlantedTraffic(merchants, cards, writer, rng, settings);
        this.plannedUntil = settings.simulatedStart();
    }

    /** All merchants, planted ones included; the same for the same seed. The records are shared: do not modify them. */
    public List<MerchantProfile> merchantProfiles() {
        return merchants.stream().map(Merchant::profile).toList();
    }

    /**
     * All transactions whose emission slot falls in [from, to), in slot order; each event time is
     * up to 2 simulated seconds before its slot. Retransmissions repeat a transaction right after it.
     */
    public List<PosTransaction> transactionsBetween(Instant from, Instant to) {
        while (plannedUntil.isBefore(to)) {
            planNextSlice();
        }
        return writer.drain(from.toEpochMilli(), to.toEpochMilli());
    }

    /** simulatedStart + wallElapsed x speed. */
    public Instant simulatedTimeAt(Duration wallElapsed) {
        return settings.simulatedStart().plusNanos(Math.round(wallElapsed.toNanos() * settings.speed()));
    }

    /** merchantId -> the rule kind it is planted for. */
    public Map<String, PlantedCase> plantedCases() {
        Map<String, PlantedCase> cases = new LinkedHashMap<>();
        merchants.stream().filter(m -> m.planted() != null).forEach(m -> cases.put(m.id(), m.planted()));
        return Collections.unmodifiableMap(cases);
    }

    /** Merchants with no planted case: their traffic trips no default rule. */
    public Set<String> normalMerchantIds() {
        Set<String> ids = new LinkedHashSet<>();
        merchants.stream().filter(m -> m.planted() == null).forEach(m -> ids.add(m.id()));
        return Collections.unmodifiableSet(ids);
    }

    // Plans up to the next local clock hour, so every slice has one business day and one hour.
    private void planNextSlice() {
        ZonedDateTime sliceStart = plannedUntil.atZone(settings.zone());
        Instant sliceEnd = sliceStart.truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant();
        if (planted.scriptStart(scriptedDays).isBefore(sliceEnd)) {
            planted.planDay(scriptedDays++);
        }
        normal.plan(sliceStart, sliceEnd);
        plannedUntil = sliceEnd;
    }
}
