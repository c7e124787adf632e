package io.walden.wal.archive;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The marker logic: a marker vouches for one repository and one version of one file, and nobody else writes it. */
class ArchiveSpoolTest {
    private static final String NAME = "000000010000000000000003";
    private static final RepositoryKey REPO = new RepositoryKey("/backups/main");

    @TempDir
    Path dir;
    Path pgWal;
    Path segment;

    @BeforeEach
    void cluster() throws Exception {
        pgWal = Files.createDirectories(dir.resolve("pgdata/pg_wal"));
        Files.createDirectories(pgWal.resolve("archive_status"));
        segment = Files.write(pgWal.resolve(NAME), new byte[16384]);
    }

    @Test
    void aMarkerVouchesForTheFileItWasWrittenForAndNotForItsNextContent() throws Exception {
        ArchiveSpool spool = ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, REPO);
        WalFileIdentity pushed = WalFileIdentity.of(segment);
        assertThat(spool.isArchived(NAME, pushed)).isFalse();
        spool.markArchived(NAME, pushed);
        assertThat(spool.isArchived(NAME, pushed)).isTrue();
        assertThat(Files.readString(spool.area().resolve("archived").resolve(NAME))).isEqualTo(pushed.line() + "\n");

        FileTime mtime = Files.getLastModifiedTime(segment);
        byte[] recycled = new byte[16384];
        recycled[0] = 7;
        Files.write(segment, recycled);
        Files.setLastModifiedTime(segment, mtime);
        assertThat(spool.isArchived(NAME, WalFileIdentity.of(segment))).as("same name and size, new content").isFalse();
    }

    @Test
    void aMarkerForOneRepositoryDoesNotAnswerForAnother() throws Exception {
        WalFileIdentity id = WalFileIdentity.of(segment);
        ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, REPO).markArchived(NAME, id);
        ArchiveSpool other = ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, new RepositoryKey("/backups/other"));
        assertThat(other.isArchived(NAME, id)).isFalse();
        assertThat(Files.readString(other.area().resolve("repository"))).isEqualTo("/backups/other\n");
    }

    @Test
    void aFailureIsReportedForTheSameFileUntilClearedAndASuccessClearsIt() throws Exception {
        ArchiveSpool spool = ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, REPO);
        WalFileIdentity id = WalFileIdentity.of(segment);
        spool.recordFailure(NAME, id, "WAL file X is already in the repository\nwith different content", "give each cluster its own --repo");
        ArchiveSpool.Failure failure = spool.failure(NAME, id).orElseThrow();
        assertThat(failure.message()).isEqualTo("WAL file X is already in the repository with different content");
        assertThat(failure.exception().hint()).isEqualTo("give each cluster its own --repo");
        assertThat(spool.failure(NAME, new WalFileIdentity(id.device(), id.inode() + 1, id.size(), id.modified(), id.changed())))
                .as("a failure of another file under that name").isEmpty();

        spool.clearFailure(NAME);
        assertThat(spool.failure(NAME, id)).isEmpty();
        spool.recordFailure(NAME, id, "m", "");
        spool.markArchived(NAME, id);
        assertThat(spool.failure(NAME, id)).isEmpty();
    }

    @Test
    void housekeepingDropsRecordsOfFilesThatAreGoneOrChangedAndKeepsTheRest() throws Exception {
        ArchiveSpool spool = ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, REPO);
        Path kept = Files.write(pgWal.resolve("000000010000000000000004"), new byte[100]);
        Path gone = Files.write(pgWal.resolve("000000010000000000000005"), new byte[100]);
        spool.markArchived(NAME, WalFileIdentity.of(segment));
        spool.markArchived(kept.getFileName().toString(), WalFileIdentity.of(kept));
        spool.recordFailure(gone.getFileName().toString(), WalFileIdentity.of(gone), "m", "h");
        Files.delete(gone);
        Files.write(segment, new byte[16384]); // recycled: new times

        assertThat(spool.removeStale(pgWal)).isEqualTo(2);
        try (var files = Files.list(spool.area().resolve("archived"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(kept.getFileName().toString());
        }
        assertThat(Files.list(spool.area().resolve("failed")).count()).isZero();
    }

    @Test
    void aSpoolOthersCanWriteIsRefused() throws Exception {
        Path spool = Files.createDirectory(dir.resolve("spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ArchiveSpool.open(spool, pgWal, REPO))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the spool " + spool + " is writable by other users (mode 0777); a marker they write could make"
                        + " PostgreSQL drop WAL that was never archived")
                .extracting(e -> ((WaldenException) e).hint()).isEqualTo("chmod 700 " + spool);
        assertThat(spool.resolve(REPO.directoryName())).doesNotExist();
    }

    @Test
    void aSpoolAreaOthersCanWriteIsRefusedToo() throws Exception {
        ArchiveSpool spool = ArchiveSpool.open(dir.resolve("spool"), pgWal, REPO);
        Files.setPosixFilePermissions(spool.area().resolve("archived"), PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> ArchiveSpool.open(dir.resolve("spool"), pgWal, REPO))
                .hasMessageStartingWith("the spool " + spool.area().resolve("archived") + " is writable by other users (mode 0770)");
    }

    @Test
    void aSpoolOfAnotherUserIsRefused() throws Exception {
        assumeTrue(SpoolOwnership.currentUid() == 0, "only root can give a folder to another user");
        Path spool = Files.createDirectory(dir.resolve("spool"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(spool, "unix:uid", 65534);
        assertThatThrownBy(() -> ArchiveSpool.open(spool, pgWal, REPO))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith("the spool " + spool + " belongs to uid 65534, not to uid 0 who runs walden");
    }

    @Test
    void aSpoolServesOneClusterAndForgetsTheRecordsOfAPgdataReplacedAtTheSamePath() throws Exception {
        Path spoolDir = dir.resolve("spool");
        ArchiveSpool spool = ArchiveSpool.open(spoolDir, pgWal, REPO);
        spool.markArchived(NAME, WalFileIdentity.of(segment));

        Path otherWal = Files.createDirectories(dir.resolve("other/pg_wal"));
        assertThatThrownBy(() -> ArchiveSpool.open(spoolDir, otherWal, REPO))
                .hasMessage("the spool " + spoolDir + " already serves the cluster whose WAL is in " + pgWal.toRealPath());

        // a restore: the old PGDATA moved aside, a new one at the same path
        Files.move(dir.resolve("pgdata"), dir.resolve("pgdata.pre-restore"));
        Files.createDirectories(pgWal.resolve("archive_status"));
        Files.write(pgWal.resolve(NAME), new byte[16384]);
        ArchiveSpool reopened = ArchiveSpool.open(spoolDir, pgWal, REPO);
        assertThat(reopened.area().resolve("archived").resolve(NAME)).doesNotExist();
    }
}
