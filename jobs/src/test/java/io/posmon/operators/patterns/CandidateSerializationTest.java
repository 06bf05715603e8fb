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

    static RuleCandidate full() {
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

    /** What a taken transaction never keeps: only the current transaction's merchant fields are read. */
    private static final String[] NEVER_KEPT = {"mccGroup", "feeRateBps", "merchantStatus", "settlementAccountType"};
    private static final int EVERYTHING = TakenLayout.ALL_TX_FIELDS | TakenLayout.MERCHANT;

    @Test
    void aTakenTransactionKeptAsBytesReadsBackAndDoesNotFollowLaterChanges() {
        TakenCandidates taken = new TakenCandidates();
        PatternCandidate full = full().candidate;
        PatternCandidate sparse = sparse().candidate;
        taken.take(full, EVERYTHING);
        taken.take(sparse, EVERYTHING);
        taken.take(full, EVERYTHING);
        full.cardToken = "changed after it was taken";
        full.transaction.amountMinor = 1;
        assertThat(taken).hasSize(3);
        assertThat(taken.get(0)).usingRecursiveComparison().ignoringFields(NEVER_KEPT).isEqualTo(full().candidate);
        assertThat(taken.get(1)).usingRecursiveComparison().ignoringFields(NEVER_KEPT).isEqualTo(sparse().candidate);
        assertThat(taken.get(2)).usingRecursiveComparison().ignoringFields(NEVER_KEPT).isEqualTo(full().candidate);
        assertThat(taken.get(0).mccGroup).isNull();
        assertThat(taken.get(0)).isNotSameAs(taken.get(0)); // read anew each time: nothing kept as objects
        TakenCandidates copy = taken.copy();
        copy.take(sparse, EVERYTHING);
        assertThat(taken).hasSize(3);
        assertThat(copy).hasSize(4);
        assertThat(copy.get(0)).usingRecursiveComparison().ignoringFields(NEVER_KEPT).isEqualTo(full().candidate);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> taken.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aTakenTransactionKeepsItsMerchantIdEvidenceAndOnlyTheFieldsNamed() {
        TakenCandidates taken = new TakenCandidates();
        taken.take(full().candidate, TakenLayout.CARD_TOKEN);
        taken.take(full().candidate, TakenLayout.CARD_TOKEN | TakenLayout.MERCHANT);
        PatternCandidate expected = full().candidate;

        PatternCandidate slim = taken.get(0);
        assertThat(slim.merchantId).isEqualTo("M1");
        assertThat(slim.transaction).usingRecursiveComparison().isEqualTo(expected.transaction);
        assertThat(slim.cardToken).isEqualTo("tok_1");
        assertThat(slim.merchantName).isNull();
        assertThat(slim.address).isNull();
        assertThat(slim.customerId).isNull();
        assertThat(slim.terminalId).isNull();
        assertThat(slim.entryMode).isNull();
        assertThat(slim.installments).isZero();
        assertThat(slim.hourOfDay).isZero();
        PatternCandidate first = taken.get(1);
        assertThat(first.snapshot()).isEqualTo(expected.snapshot());
        assertThat(taken.encoded(0).length).isLessThan(taken.encoded(1).length);
    }

    @Test
    void aConditionSaysWhichFieldsOfMatchedTransactionsItReads() {
        assertThat(new ExpressionCondition("!matched.card.exists(m, m.cardToken == tx.cardToken)", java.util.List.of("card"))
                .matchedFieldsRead()).containsExactly("cardToken");
        assertThat(new ExpressionCondition("tx.amountMinor == matched.first[0].amountMinor", java.util.List.of("first", "again"))
                .matchedFieldsRead()).containsExactly("amountMinor");
        assertThat(new ExpressionCondition("tx.terminalId == 'T-9' && size(matched.first) > 0", java.util.List.of("first"))
                .matchedFieldsRead()).as("tx's own fields are not matched ones").isEmpty();
        // Left to CEL's interpreter (a string function), so not known: everything is kept.
        assertThat(new ExpressionCondition("matched.first.exists(m, m.terminalId.startsWith('T'))", java.util.List.of("first"))
                .matchedFieldsRead()).isNull();
        assertThat(TakenLayout.txFieldsReadBy(java.util.List.of(
                new CountedSteps.Step("first", 1, new ExpressionCondition("true", java.util.List.of("first", "again"))),
                new CountedSteps.Step("again", 3, new ExpressionCondition("tx.amountMinor == matched.first[0].amountMinor",
                        java.util.List.of("first", "again")))))).isZero();
        assertThat(TakenLayout.txFieldsReadBy(java.util.List.of(new CountedSteps.Step("card", 5,
                new ExpressionCondition("!matched.card.exists(m, m.cardToken == tx.cardToken)", java.util.List.of("card"))))))
                .isEqualTo(TakenLayout.CARD_TOKEN);
        assertThat(TakenLayout.txFieldsReadBy(java.util.List.of(new CountedSteps.Step("first", 1,
                new ExpressionCondition("matched.first.exists(m, m.terminalId.startsWith('T'))", java.util.List.of("first"))))))
                .isEqualTo(TakenLayout.ALL_TX_FIELDS);
    }
}
