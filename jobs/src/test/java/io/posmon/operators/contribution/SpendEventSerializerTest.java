package io.posmon.operators.contribution;

import static io.posmon.testing.SerializerRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.CardType;
import io.posmon.schema.PosTransaction;
import io.posmon.schema.TransactionStatus;
import io.posmon.schema.TransactionType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

/** The spend event's own serializer: Flink picks it, and it keeps every field of the class. */
class SpendEventSerializerTest {

    private static final SpendEventSerializer S = SpendEventSerializer.INSTANCE;

    private static PosTransaction sale() {
        return PosTransaction.newBuilder().setTransactionId("t-1").setEventTime(Instant.ofEpochMilli(1_759_626_000_123L))
                .setMerchantId("M1").setTerminalId("T1").setCardToken("tok").setMaskedPan("622588******1234")
                .setCardType(CardType.CREDIT).setCustomerId("C1").setAmountMinor(123_456_78L).setCurrency("CNY")
                .setType(TransactionType.SALE).setStatus(TransactionStatus.APPROVED).setCustomerRegion("east").build();
    }

    @Test
    void flinkPicksIt() {
        assertThat(TypeInformation.of(SpendEvent.class).createSerializer(new SerializerConfigImpl())).isSameAs(S);
    }

    @Test
    void theSerializerKnowsEveryFieldOfTheClass() {
        List<String> fields = Arrays.stream(SpendEvent.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName).sorted().toList();
        assertThat(fields).isEqualTo(SpendEventSerializer.FIELDS.stream().sorted().toList());
    }

    /** Every field of the class set by reflection to a value unlike a new event's, so a new field is covered too. */
    private static SpendEvent everyFieldSet() throws Exception {
        SpendEvent e = new SpendEvent();
        SpendEvent fresh = new SpendEvent();
        for (Field f : SpendEvent.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Class<?> t = f.getType();
            Object value = t == PosTransaction.class ? sale()
                    : t == String.class ? f.getName() + "-値"
                    : t == int.class ? (Object) Integer.MAX_VALUE
                    : t == boolean.class ? (Object) Boolean.TRUE
                    : t == List.class ? List.of("PLATINUM_CREDIT_CARD", "")
                    : null;
            assertThat(value).as("the test builds a value for " + f).isNotNull();
            f.set(e, value);
            assertThat(f.get(e)).as(f.getName()).isNotEqualTo(f.get(fresh));
        }
        return e;
    }

    @Test
    void anEventKeepsEveryField() throws Exception {
        SpendEvent e = everyFieldSet();
        SpendEvent back = roundTrip(S, e);
        assertThat(back).usingRecursiveComparison().isEqualTo(e);
        assertThat(back.tx).isEqualTo(e.tx);
        assertThat(S.copy(e)).usingRecursiveComparison().isEqualTo(e);

        e.feeRateBps = Integer.MIN_VALUE;
        e.profileKnown = false;
        e.repeatedUndo = false;
        e.mcc = null;
        assertThat(roundTrip(S, e)).usingRecursiveComparison().isEqualTo(e);
    }

    @Test
    void aHoldingsEventHasNoTransaction() throws Exception {
        SpendEvent e = SpendEvent.holdings(io.posmon.schema.CustomerHoldings.newBuilder().setCustomerId("C9")
                .setProducts(List.of()).setUpdatedAt(Instant.ofEpochMilli(0)).build());
        SpendEvent back = roundTrip(S, e);
        assertThat(back.tx).isNull();
        assertThat(back.holdings).isEmpty();
        assertThat(back).usingRecursiveComparison().isEqualTo(e);
    }
}
