package io.walden.ops.tablerestore;

import io.walden.error.WaldenException;
import io.walden.pg.PgBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientToolsTest {
    @TempDir
    Path root;

    @Test
    void findsTheToolsNextToTheServerThenWhereDebianPutsThem() throws IOException {
        Path server = install(root.resolve("server"), "initdb", "pg_ctl", "postgres", "psql");
        Path debian = install(root.resolve("debian/15/bin"), "pg_dump", "pg_restore");
        PgBinaries bins = PgBinaries.locate(15, Optional.of(server));

        ClientTools tools = ClientTools.locate(bins, root.resolve("debian"));

        assertThat(tools.psql()).isEqualTo(server.resolve("psql"));
        assertThat(tools.pgDump()).isEqualTo(debian.resolve("pg_dump"));
        assertThat(tools.pgRestore()).isEqualTo(debian.resolve("pg_restore"));
    }

    @Test
    void aMissingToolNamesThePackageToInstall() throws IOException {
        Path server = install(root.resolve("server"), "initdb", "pg_ctl", "postgres", "psql", "pg_dump");
        PgBinaries bins = PgBinaries.locate(15, Optional.of(server));

        assertThatThrownBy(() -> ClientTools.locate(bins, root.resolve("none")))
                .isInstanceOf(WaldenException.class)
                .hasMessage("pg_restore of PostgreSQL 15 is not installed (looked in " + server + ", " + root.resolve("none/15/bin") + ")")
                .satisfies(e -> assertThat(((WaldenException) e).hint())
                        .startsWith("install postgresql-client-15 (apt-get install postgresql-client-15)"));
    }

    private static Path install(Path bin, String... tools) throws IOException {
        Files.createDirectories(bin);
        for (String tool : tools) {
            Path file = bin.resolve(tool);
            Files.writeString(file, "#!/bin/sh\necho '" + tool + " (PostgreSQL) 15.4'\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
