package io.walden.backup;

import io.walden.error.WaldenException;
import io.walden.repo.Manifest.DirEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgdataScannerTest {

    @TempDir
    Path pgdata;

    private void file(String rel, int size) throws IOException {
        Path p = pgdata.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[size]);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    private void dir(String rel) throws IOException {
        Files.createDirectories(pgdata.resolve(rel));
        Files.setPosixFilePermissions(pgdata.resolve(rel), PosixFilePermissions.fromString("rwx------"));
    }

    private void fakePgdata() throws IOException {
        file("PG_VERSION", 3);
        file("postgresql.conf", 100);
        file("postgresql.auto.conf", 88);
        file("postmaster.pid", 90);
        file("postmaster.opts", 70);
        file("backup_label", 200);
        file("global/pg_control", 8192);
        file("global/1262", 8192);
        file("global/pg_internal.init", 5000);
        // a logged relation: main fork, second segment, free space map, visibility map
        file("base/1/16384", 8192 * 3);
        file("base/1/16384.1", 8192);
        file("base/1/16384_fsm", 24576);
        file("base/1/16384_vm", 8192);
        file("base/1/PG_VERSION", 3);
        file("base/1/pg_filenode.map", 512);
        file("base/1/pg_internal.init", 4000);
        // an unlogged relation: only its init fork is kept
        file("base/1/16390", 8192 * 5);
        file("base/1/16390.1", 8192);
        file("base/1/16390_fsm", 24576);
        file("base/1/16390_vm", 8192);
        file("base/1/16390_init", 0);
        // temporary files
        file("base/pgsql_tmp/pgsql_tmp1234.0", 1000);
        file("base/1/pgsql_tmp5678.1", 1000);
        // folders kept empty
        file("pg_wal/000000010000000000000001", 1024);
        file("pg_wal/archive_status/000000010000000000000001.done", 0);
        file("pg_replslot/standby1/state", 200);
        file("pg_stat_tmp/global.stat", 300);
        dir("pg_tblspc");
        dir("pg_stat");
        file("pg_xact/0000", 8192);
    }

    @Test
    void skipsWhatPgBasebackupSkips() throws IOException {
        fakePgdata();
        PgdataScan scan = new PgdataScanner(pgdata).scan();

        assertThat(scan.files()).extracting(SourceFile::path).containsExactlyInAnyOrder(
                "PG_VERSION", "postgresql.conf", "postgresql.auto.conf",
                "global/pg_control", "global/1262",
                "base/1/16384", "base/1/16384.1", "base/1/16384_fsm", "base/1/16384_vm",
                "base/1/PG_VERSION", "base/1/pg_filenode.map",
                "base/1/16390_init",
                "pg_xact/0000");
        assertThat(scan.directories()).extracting(DirEntry::path).containsExactlyInAnyOrder(
                "global", "base", "base/1", "pg_wal", "pg_wal/archive_status", "pg_replslot", "pg_stat_tmp",
                "pg_tblspc", "pg_stat", "pg_xact");
        assertThat(scan.totalBytes()).isEqualTo(3 + 100 + 88 + 8192 + 8192 + 8192 * 3 + 8192 + 24576 + 8192 + 3 + 512 + 0 + 8192);
    }

    @Test
    void recordsSizesAndModes() throws IOException {
        fakePgdata();
        Files.setPosixFilePermissions(pgdata.resolve("base/1"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(pgdata.resolve("global"), PosixFilePermissions.fromString("rwxr-x---"));
        PgdataScan scan = new PgdataScanner(pgdata).scan();
        assertThat(scan.directories()).contains(new DirEntry("global", 0750));
        assertThat(scan.files()).contains(new SourceFile("base/1/16384", 8192 * 3, 0600),
                new SourceFile("base/1/16390_init", 0, 0600));
        assertThat(scan.directories()).contains(new DirEntry("base/1", 0700), new DirEntry("pg_wal/archive_status", 0700));
        Files.setPosixFilePermissions(pgdata.resolve("postgresql.conf"), PosixFilePermissions.fromString("rw-r-----"));
        assertThat(new PgdataScanner(pgdata).scan().files()).contains(new SourceFile("postgresql.conf", 100, 0640));
    }

    @Test
    void pgWalWithoutArchiveStatusStillGetsIt() throws IOException {
        file("PG_VERSION", 3);
        file("pg_wal/000000010000000000000001", 10);
        PgdataScan scan = new PgdataScanner(pgdata).scan();
        assertThat(scan.directories()).extracting(DirEntry::path).containsExactlyInAnyOrder("pg_wal", "pg_wal/archive_status");
        assertThat(scan.files()).extracting(SourceFile::path).containsExactly("PG_VERSION");
    }

    @Test
    void pgWalLinkedElsewhereBecomesAFolder(@TempDir Path elsewhere) throws IOException {
        file("PG_VERSION", 3);
        Files.createDirectories(elsewhere.resolve("wal/archive_status"));
        Files.write(elsewhere.resolve("wal/000000010000000000000001"), new byte[10]);
        Files.createSymbolicLink(pgdata.resolve("pg_wal"), elsewhere.resolve("wal"));
        PgdataScan scan = new PgdataScanner(pgdata).scan();
        assertThat(scan.directories()).containsExactlyInAnyOrder(new DirEntry("pg_wal", 0700),
                new DirEntry("pg_wal/archive_status", 0700));
        assertThat(scan.files()).extracting(SourceFile::path).containsExactly("PG_VERSION");
    }

    @Test
    void refusesTablespacesAndOtherLinks(@TempDir Path elsewhere) throws IOException {
        file("PG_VERSION", 3);
        dir("pg_tblspc");
        Files.createSymbolicLink(pgdata.resolve("pg_tblspc/16400"), elsewhere);
        assertThatThrownBy(() -> new PgdataScanner(pgdata).scan())
                .isInstanceOf(WaldenException.class)
                .hasMessage("this cluster has a tablespace (pg_tblspc/16400), and walden does not back up tablespaces yet")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("move the tablespace's objects to pg_default, or use pg_basebackup for this cluster"));

        Files.delete(pgdata.resolve("pg_tblspc/16400"));
        dir("base/1");
        Files.createSymbolicLink(pgdata.resolve("base/1/16384"), elsewhere);
        assertThatThrownBy(() -> new PgdataScanner(pgdata).scan())
                .isInstanceOf(WaldenException.class)
                .hasMessage("PGDATA contains a symbolic link, base/1/16384, which walden cannot back up")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("replace the link with the folder or file it points to"));
    }

    @Test
    void unloggedDetectionIsPerFolder() throws IOException {
        // 16390 is unlogged in database 1 only; the same file number in database 5 is an ordinary relation.
        file("base/1/16390", 100);
        file("base/1/16390_init", 0);
        file("base/5/16390", 100);
        file("base/5/16390_vm", 100);
        List<String> paths = new PgdataScanner(pgdata).scan().files().stream().map(SourceFile::path).toList();
        assertThat(paths).containsExactlyInAnyOrder("base/1/16390_init", "base/5/16390", "base/5/16390_vm");
    }
}
