package io.posmon.operators.patterns;

import static io.posmon.testing.SerializerRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.operators.AlertFactory;
import io.posmon.schema.MerchantScale;
import io.posmon.testing.Merchants;
import io.posmon.testing.Tx;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.junit.jupiter.api.Test;

/** The candidates' own serializers keep every field, nulls included, and are the ones Flink picks. */
class CandidateSerializationTest {

    private static RuleCandidate full() {
        var tx = Tx.credit("T1", "M1", "2026-11-23T10:00:00", 800_000);
        PatternCandidate c = PatternCandidate.of(tx, AlertFactory.snapshot("M1",
                Merchants.profile("M1", "5944", MerchantScale.MEDIUM).build()));
        c.customerId = "C1";
        c.cardToken = "tok_1";
        c.terminalId = "T-9";
        c.entryMode = "CHIP";
        c.installments = 6;
        c.hourOfDay = 23;
        c.dayOfWeek = 7;
        c.mccGroup = "JEWELRY_LUXURY";
        c.feeRateBps = 60;
        c.merchantStatus = "ACTIVE";
        c.settlementAccountType = "CORPORATE";
        return new RuleCandidate("rule@v1|M1|", 42, c);
    }

    private static RuleCandidate sparse() {
        PatternCandidate c = new PatternCandidate();
        c.merchantId = "M2";
        return new RuleCandidate("rule@v1|M2|", 0, c);
    }

    @Test
    void everyFieldSurvivesTheRoundTripAndTheCopy() throws Exception {
        TypeSerializer<RuleCandidate> serializer =
                TypeInformation.of(RuleCandidate.class).createSerializer(new SerializerConfigImpl());
        assertThat(serializer).isInstanceOf(CandidateSerialization.RuleCandidateSerializer.class);
        for (RuleCandidate r : new RuleCandidate[] {full(), sparse()}) {
            assertThat(roundTrip(serializer, r)).usingRecursiveComparison().isEqualTo(r);
            RuleCandidate copy = serializer.copy(r);
            assertThat(copy).usingRecursiveComparison().isEqualTo(r);
            assertThat(copy.candidate).isNotSameAs(r.candidate);
        }
        TypeSerializer<PatternCandidate> candidates =
                TypeInformation.of(PatternCandidate.class).createSerializer(new SerializerConfigImpl());
        assertThat(candidates).isInstanceOf(CandidateSerialization.PatternCandidateSerializer.class);
        assertThat(full().candidate.transaction).isNotNull();
        assertThat(roundTrip(candidates, full().candidate)).usingRecursiveComparison().isEqualTo(full().candidate);
    }

    @Test
    void aTakenTransactionKeptAsBytesReadsBackWholeAndDoesNotFollowLaterChanges() {
        TakenCandidates taken = new TakenCandidates();
        PatternCandidate full = full().candidate;
        PatternCandidate sparse = sparse().candidate;
        taken.add(full);
        taken.add(sparse);
        taken.add(full);
        full.cardToken = "changed after it was taken";
        full.transaction.amountMinor = 1;
        assertThat(taken).hasSize(3);
        assertThat(taken.get(0)).usingRecursiveComparison().isEqualTo(full().candidate);
        assertThat(taken.get(1)).usingRecursiveComparison().isEqualTo(sparse().candidate);
        assertThat(taken.get(2)).usingRecursiveComparison().isEqualTo(full().candidate);
        assertThat(taken.get(0)).isNotSameAs(taken.get(0)); // read anew each time: nothing kept as objects
        TakenCandidates copy = taken.copy();
        copy.add(sparse);
        assertThat(taken).hasSize(3);
        assertThat(copy).hasSize(4);
        assertThat(copy.get(0)).usingRecursiveComparison().isEqualTo(full().candidate);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> taken.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
