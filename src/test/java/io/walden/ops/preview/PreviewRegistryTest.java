package io.walden.ops.preview;

import io.walden.error.WaldenException;
import io.walden.pg.OsUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreviewRegistryTest {
    @TempDir
    Path tmp;

    @Test
    void oneRecordPerRepositoryAndItReadsBackAsWritten() throws Exception {
        PreviewRegistry registry = new PreviewRegistry(tmp.resolve("state"), "0123456789abcdef");
        PreviewState state = state("a", tmp.resolve("scratch"));
        assertThat(registry.read()).isEmpty();
        assertThat(registry.reserve(state)).isTrue();
        assertThat(registry.reserve(state("b", tmp.resolve("other")))).as("a second preview").isFalse();
        assertThat(registry.read()).contains(state);
        assertThat(new PreviewRegistry(tmp.resolve("state"), "fedcba9876543210").reserve(state("c", tmp))).as("another repository")
                .isTrue();

        PreviewState moved = state.movedTo("time 2026-02-13 14:35:00.000 UTC", Instant.parse("2026-02-13T14:35:00Z"),
                Instant.parse("2026-02-13T14:34:59Z"));
        registry.update(moved);
        assertThat(registry.read()).contains(moved);
        registry.remove();
        assertThat(registry.read()).isEmpty();
        assertThat(registry.reserve(state)).isTrue();
    }

    @Test
    void aDirectoryWithoutThisPreviewsMarkerIsLeftAlone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("scratch"));
        Files.writeString(dir.resolve("data"), "not ours");
        PreviewState state = state("a", dir);
        assertThatThrownBy(() -> ScratchDirectory.remove(state)).isInstanceOf(WaldenException.class)
                .hasMessageContaining("does not carry the marker of this preview");
        ScratchDirectory.mark(state("b", dir));
        assertThatThrownBy(() -> ScratchDirectory.remove(state)).isInstanceOf(WaldenException.class);
        assertThat(dir.resolve("data")).exists();

        ScratchDirectory.mark(state);
        ScratchDirectory.remove(state);
        assertThat(dir).doesNotExist();
    }

    @Test
    void aGivenDirectoryMustBeEmptyAndIsEmptiedNotRemoved() throws Exception {
        Path given = Files.createDirectories(tmp.resolve("given"));
        Files.writeString(given.resolve("x"), "x");
        assertThatThrownBy(() -> ScratchDirectory.make(Optional.of(given), OsUser.currentName()))
                .isInstanceOf(WaldenException.class).hasMessage(given + " is not an empty directory; a preview needs a new or empty one");
        Files.delete(given.resolve("x"));
        ScratchDirectory.Made made = ScratchDirectory.make(Optional.of(given), OsUser.currentName());
        assertThat(made.created()).isFalse();
        PreviewState state = new PreviewState("a", "repo", given, false, given.resolve("pgdata"), 5433, given.resolve("socket"), "postgres",
                15, Path.of("/usr/lib/postgresql/15/bin"), "B", "time", null, false, 1, "true", Map.of(), "postgres", Instant.EPOCH, null);
        ScratchDirectory.mark(state);
        Files.createDirectories(given.resolve("pgdata/base"));
        ScratchDirectory.remove(state);
        assertThat(given).isEmptyDirectory();
    }

    private static PreviewState state(String id, Path dir) {
        return new PreviewState(id, "/backups/main", dir, true, dir.resolve("pgdata"), 54321, dir.resolve("socket"), "postgres",
                15, Path.of("/usr/lib/postgresql/15/bin"), "20260213T120000Z", "time 2026-02-13 14:30:00.000 UTC",
                Instant.parse("2026-02-13T14:30:00Z"), false, 1, "walden --repo /backups/main wal-fetch %f %p",
                Map.of("listen_addresses", "127.0.0.1"), "postgres", Instant.parse("2026-02-13T15:00:00Z"), null);
    }
}
