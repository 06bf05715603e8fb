package io.posmon.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** MCC lookups in the table compiled from the shipped mcc-groups.yaml. */
class MccGroupTableTest {

    private static final MccGroupTable SHIPPED = RiskHarness.RULES.mccGroups();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "5411, GROCERY", "5499, GROCERY",
            "5300, RETAIL", "5399, RETAIL",           // both ends of an inclusive range
            "5400, OTHER",                            // just past a range, in no group
            "5943, RETAIL", "5944, JEWELRY_LUXURY", "5945, RETAIL",   // a single code between two ranges
            "5093, WHOLESALE", "5094, JEWELRY_LUXURY", "5095, WHOLESALE",
            "5811, RESTAURANT", "5814, RESTAURANT", "5815, OTHER",
            "3000, TRAVEL", "3999, TRAVEL", "7011, TRAVEL",
            "0000, OTHER", "9999, OTHER", "0742, OTHER"})
    void codesMapToTheirGroupAndTheRestToTheFallback(String mcc, String group) {
        assertThat(SHIPPED.groupOf(mcc)).isEqualTo(group);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"541", "54111", " 5411", "5411 ", "54a1", "-411", "+411", "\uff15\uff14\uff11\uff11", "\u0665\u0664\u0661\u0661"})
    void malformedCodesFallBack(String mcc) {
        assertThat(SHIPPED.groupOf(mcc)).isEqualTo("OTHER");
    }

    @Test
    void aHandBuiltTableLooksUpByIndex() {
        String[] byCode = new String[10_000];
        byCode[0] = "ZERO";
        byCode[9_999] = "LAST";
        MccGroupTable table = new MccGroupTable(byCode, "FALLBACK");
        byCode[1] = "CHANGED AFTER CONSTRUCTION"; // the table keeps its own copy

        assertThat(table.groupOf("0000")).isEqualTo("ZERO");
        assertThat(table.groupOf("9999")).isEqualTo("LAST");
        assertThat(table.groupOf("0001")).isEqualTo("FALLBACK");
        assertThat(table.fallback()).isEqualTo("FALLBACK");
        assertThatThrownBy(() -> new MccGroupTable(new String[9_999], "X")).isInstanceOf(IllegalArgumentException.class);
    }
}
