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

    @Test
    void aTransactionsEventKeepsEveryField() throws Exception {
        SpendEvent e = new SpendEvent();
        e.tx = sale();
        e.mccGroup = "retail";
        e.mcc = "5411";
        e.feeRateBps = Integer.MAX_VALUE;
        e.profileKnown = true;
        e.merchantRegion = "north";
        e.repeatedUndo = true;
        e.holder = "C1";
        e.holdings = List.of("card", "deposit");
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
