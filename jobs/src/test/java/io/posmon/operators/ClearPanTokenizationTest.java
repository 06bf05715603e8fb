package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posmon.carddata.PanTokenizer;
import io.posmon.schema.PosTransaction;
import io.posmon.sources.ClearPanTokenization;
import io.posmon.sources.TransactionChecks;
import io.posmon.testing.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clear card numbers at ingest: a keyed token that is stable per card and key, and a masked number. */
class ClearPanTokenizationTest {

    private static final String VISA = "4111111111111111";

    private static PanTokenizer key(Path dir, String name, char fill) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, String.valueOf(fill).repeat(32));
        return new PanTokenizer(file.toString());
    }

    private static PosTransaction withClearPan() {
        return Tx.sale("T1", "M", "2026-11-23T10:00:00", 100).setCardToken(VISA).setMaskedPan(VISA).build();
    }

    @Test
    void aClearCardNumberBecomesItsTokenAndMaskedNumber(@TempDir Path tmp) throws Exception {
        PanTokenizer a = key(tmp, "a", 'a');
        PosTransaction tx = withClearPan();
        assertThat(new ClearPanTokenization(a).repair(tx)).isTrue();
        assertThat(tx.getCardToken()).isEqualTo(a.token(VISA)).startsWith("tok_").hasSize(36).doesNotContain("1111");
        assertThat(tx.getMaskedPan()).isEqualTo("411111******1111");
        assertThat(TransactionChecks.transactionProblem(tx, Long.MAX_VALUE)).isNull();

        assertThat(a.token(VISA)).as("the same card, the same token").isEqualTo(key(tmp, "a2", 'a').token(VISA));
        assertThat(key(tmp, "b", 'b').token(VISA)).as("another key, another token").isNotEqualTo(a.token(VISA));
        assertThat(a.token("5500005555555559")).isNotEqualTo(a.token(VISA));
    }

    @Test
    void withoutAKeyTheTransactionIsLeftForTheDeadLetterTopic() {
        PosTransaction tx = withClearPan();
        assertThat(new ClearPanTokenization(null).repair(tx)).isFalse();
        assertThat(TransactionChecks.transactionProblem(tx, Long.MAX_VALUE)).contains("clear card number");
    }

    @Test
    void aShortKeyIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("short");
        Files.writeString(file, "secret");
        assertThatThrownBy(() -> new PanTokenizer(file.toString()).token(VISA)).hasMessageContaining("at least 32");
    }
}
