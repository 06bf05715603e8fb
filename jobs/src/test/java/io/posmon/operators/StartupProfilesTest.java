package io.posmon.operators;

import static io.posmon.operators.Alerts.brief;
import static io.posmon.testing.Tx.credit;
import static org.assertj.core.api.Assertions.assertThat;

import io.posmon.schema.MerchantScale;
import io.posmon.sources.ProfileFiles;
import io.posmon.testing.Merchants;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up profiles file: known before the topic says anything, superseded by the topic, then let go. */
class StartupProfilesTest {

    private static final String RULE = "daily-credit-limit";

    @Test
    void aMerchantOfTheFileMeetsItsLimitAndATopicProfileReplacesTheFilesOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("profiles.avro");
        // GROCERY (5411) MICRO: 20,000.00 CNY a day in the shipped table.
        ProfileFiles.write(file, List.of(
                Merchants.profile("M1", "5411", MerchantScale.MICRO).build(),
                Merchants.profile("M2", "5411", MerchantScale.MICRO).build()));
        try (RiskHarness h = new RiskHarness(new StartupProfiles(file.toString()))) {
            assertThat(h.function().startupProfilesHeld()).isEqualTo(2);

            h.tx(credit("a", "M1", "2026-11-23T10:00:00", 2_000_001L));
            assertThat(brief(h.alerts(RULE))).containsExactly("TRIGGERED 2026-11-23 2000001/2000000");

            // The topic's profile of M1 raises its limit: it wins, and the file's copy is let go.
            h.profile(Merchants.profile("M1", "5411", MerchantScale.MICRO).setDailyCreditLimitMinor(5_000_000L).build());
            assertThat(h.function().startupProfilesHeld()).isEqualTo(1);
            h.tx(credit("b", "M1", "2026-11-24T10:00:00", 2_000_001L));
            assertThat(brief(h.alerts(RULE))).containsExactly("TRIGGERED 2026-11-23 2000001/2000000");

            // M2 is still known from the file alone.
            h.tx(credit("c", "M2", "2026-11-24T10:00:00", 2_000_001L));
            assertThat(brief(h.alerts(RULE))).containsExactly(
                    "TRIGGERED 2026-11-23 2000001/2000000", "TRIGGERED 2026-11-24 2000001/2000000");
        }
    }
}
