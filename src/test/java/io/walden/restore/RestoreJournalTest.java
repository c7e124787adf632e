package io.walden.restore;

import io.walden.repo.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal is written by hand and read back by data binding: both must agree on every field. */
class RestoreJournalTest {

    @Test
    void anEntryWrittenByHandReadsBackAsItWas() throws Exception {
        var entry = new RestoreJournal.Entry(RestoreJournal.Phase.RECOVERING, "20260213T143000Z", "CLUSTER", true, false,
                "/srv/pg \"data\".pre-restore", 17, "postgres", 4_000_000_123L, Instant.parse("2026-02-13T14:29:59.123456789Z"),
                Instant.parse("2026-02-13T14:30:00Z"));
        assertThat(Json.mapper().readValue(entry.json(), RestoreJournal.Entry.class)).isEqualTo(entry);
    }

    @Test
    void missingTimesAndTextsStayMissing() throws Exception {
        var entry = new RestoreJournal.Entry(RestoreJournal.Phase.STOPPING, "b", "EMPTY", false, false, null, 15, null, 1, null,
                Instant.parse("2026-02-13T14:30:00Z"));
        assertThat(Json.mapper().readValue(entry.json(), RestoreJournal.Entry.class)).isEqualTo(entry);
    }
}
