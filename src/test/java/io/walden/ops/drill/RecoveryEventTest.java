package io.walden.ops.drill;

import io.walden.repo.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An event is written by hand and read back by data binding: the text is what data binding writes. */
class RecoveryEventTest {

    private static void roundTrips(RecoveryEvent e) throws Exception {
        assertThat(Json.mapper().readTree(e.json())).isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsString(e)));
        assertThat(Json.mapper().readValue(e.json(), RecoveryEvent.class)).isEqualTo(e);
    }

    @Test
    void aFailedDrillWithEveryField() throws Exception {
        roundTrips(new RecoveryEvent("drill", "20260213T143000Z", Instant.parse("2026-02-13T14:30:00.123Z"),
                Instant.parse("2026-02-13T14:31:00Z"), "20260213T010000Z", "time 2026-02-13 14:00:00+00",
                Instant.parse("2026-02-13T14:00:00Z"), Instant.parse("2026-02-13T14:29:59.5Z"), 1799.5, 0.125, "failed",
                List.of("rows \"orders\"", "schema\n"), "db-1.example"));
    }

    @Test
    void aRestoreWithoutStartNorWindow() throws Exception {
        roundTrips(new RecoveryEvent("restore", "20260213T143000Z", Instant.parse("2026-02-13T14:30:00Z"),
                Instant.parse("2026-02-13T14:30:04Z"), "b", "the end of the archived WAL", null, null, null, null, "restored",
                List.of(), null));
    }
}
