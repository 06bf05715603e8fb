package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.carddata.PanGuard;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Clear card numbers: 13-19 digit Luhn-valid runs are found and masked to first 6 + last 4; nothing else is. */
class PanGuardTest {

    private static final String PAN16 = "6225881234567898";     // Luhn-valid
    private static final String NOT_LUHN16 = "6225881234567897";
    private static final String PAN13 = "4111111111119";        // Luhn-valid, shortest PAN
    private static final String PAN19 = "6225881234567890120";  // Luhn-valid, longest PAN
    private static final String LUHN12 = "411111111117";        // Luhn-valid but too short
    private static final String LUHN20 = "41111111111111111115"; // Luhn-valid but too long

    private static String mask(String text) {
        return new String(PanGuard.maskPans(text.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void luhnValid16DigitPanIsDetectedAndMaskedToFirst6AndLast4() {
        assertThat(PanGuard.containsClearPan(PAN16)).isTrue();
        assertThat(mask(PAN16)).isEqualTo("622588******7898");
        assertThat(mask("{\"pan\":\"" + PAN16 + "\",\"amount\":1000}"))
                .isEqualTo("{\"pan\":\"622588******7898\",\"amount\":1000}");
        assertThat(PanGuard.containsClearPan("card " + PAN16 + " used")).isTrue();
    }

    @Test
    void shortestAndLongestPanLengthsAreMasked() {
        assertThat(mask(PAN13)).isEqualTo("411111***1119");
        assertThat(mask(PAN19)).isEqualTo("622588*********0120");
        assertThat(PanGuard.containsClearPan(PAN13)).isTrue();
        assertThat(PanGuard.containsClearPan(PAN19)).isTrue();
    }

    @Test
    void digitsFailingLuhnAreUntouched() {
        assertThat(PanGuard.containsClearPan(NOT_LUHN16)).isFalse();
        assertThat(mask(NOT_LUHN16)).isEqualTo(NOT_LUHN16);
    }

    @Test
    void twelveAndTwentyDigitRunsAreUntouchedEvenIfLuhnValid() {
        assertThat(PanGuard.containsClearPan(LUHN12)).isFalse();
        assertThat(PanGuard.containsClearPan(LUHN20)).isFalse();
        assertThat(mask("a" + LUHN12 + "b" + LUHN20 + "c")).isEqualTo("a" + LUHN12 + "b" + LUHN20 + "c");
    }

    @Test
    void everyPanInAPayloadIsMaskedAndOtherBytesAreKept() {
        String payload = PAN16 + "," + NOT_LUHN16 + "," + PAN13 + ",\u00e9";
        assertThat(mask(payload)).isEqualTo("622588******7898," + NOT_LUHN16 + ",411111***1119,\u00e9");
    }

    @Test
    void maskedOutputNoLongerContainsAClearPan() {
        assertThat(PanGuard.containsClearPan(mask("x" + PAN19 + "y" + PAN16))).isFalse();
        assertThat(PanGuard.containsClearPan(null)).isFalse();
        assertThat(PanGuard.maskPans(null)).isNull();
    }
}
