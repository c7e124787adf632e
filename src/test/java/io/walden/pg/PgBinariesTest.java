package io.walden.pg;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgBinariesTest {
    @TempDir
    Path root;

    private Path fakeInstall(String major) throws IOException {
        Path bin = Files.createDirectories(root.resolve(major).resolve("bin"));
        for (String tool : new String[] {"initdb", "pg_ctl", "postgres"}) {
            Path file = bin.resolve(tool);
            Files.writeString(file, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + major + ".4'\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    @Test
    void listsInstalledMajorsNewestFirst() throws IOException {
        fakeInstall("13");
        fakeInstall("16");
        fakeInstall("9");
        Files.createDirectories(root.resolve("common/bin"));
        Files.createDirectories(root.resolve("14/bin"));

        assertThat(PgBinaries.installedMajors(root)).containsExactly(16, 13, 9);
    }

    @Test
    void findsTheDebianLayout() throws IOException {
        Path bin = fakeInstall("15");

        PgBinaries bins = PgBinaries.locate(15, Optional.empty(), root);

        assertThat(bins.major()).isEqualTo(15);
        assertThat(bins.binDir()).isEqualTo(bin);
        assertThat(bins.pgCtl()).isEqualTo(bin.resolve("pg_ctl"));
        assertThat(bins.initdb()).isEqualTo(bin.resolve("initdb"));
        assertThat(bins.postgres()).isEqualTo(bin.resolve("postgres"));
    }

    @Test
    void theOverrideMustHoldTheRightVersion() throws IOException {
        Path bin = fakeInstall("16");

        assertThat(PgBinaries.locate(16, Optional.of(bin), root.resolve("none")).binDir()).isEqualTo(bin);
        assertThatThrownBy(() -> PgBinaries.locate(15, Optional.of(bin), root.resolve("none")))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the PostgreSQL binaries in " + bin + " are version 16, but PostgreSQL 15 is needed");
        assertThatThrownBy(() -> PgBinaries.locate(16, Optional.of(root), root))
                .isInstanceOf(WaldenException.class)
                .hasMessage("no PostgreSQL server binaries (initdb, pg_ctl, postgres) in " + root);
    }

    @Test
    void aMissingVersionSaysHowToInstallIt() {
        assertThatThrownBy(() -> PgBinaries.locate(3, Optional.empty(), root))
                .isInstanceOf(WaldenException.class)
                .hasMessage("no PostgreSQL 3 server binaries found")
                .extracting(e -> ((WaldenException) e).hint())
                .isEqualTo("install postgresql-3 (apt-get install postgresql-3) or pass --pg-bin DIR");
    }

    @Test
    void parsesVersionOutput() {
        assertThat(PgBinaries.parseMajor("pg_ctl (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)")).hasValue(15);
        assertThat(PgBinaries.parseMajor("PostgreSQL 17.2")).hasValue(17);
        assertThat(PgBinaries.parseMajor("nonsense")).isEqualTo(OptionalInt.empty());
    }
}
