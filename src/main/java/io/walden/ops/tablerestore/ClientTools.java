package io.walden.ops.tablerestore;

import io.walden.error.WaldenException;
import io.walden.pg.PgBinaries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * psql, pg_dump and pg_restore of the scratch instance's major version: a pg_dump older than the server
 * refuses to dump it, and one from another installation may read its catalog wrongly. Debian ships them
 * apart from the server (postgresql-client-MAJOR), so they are looked for next to the server binaries,
 * then where Debian puts that version.
 */
record ClientTools(Path psql, Path pgDump, Path pgRestore) {
    static ClientTools locate(PgBinaries server) {
        return locate(server, PgBinaries.DEBIAN_ROOT);
    }

    static ClientTools locate(PgBinaries server, Path debianRoot) {
        Set<Path> dirs = new LinkedHashSet<>(List.of(server.binDir(),
                debianRoot.resolve(Integer.toString(server.major())).resolve("bin")));
        return new ClientTools(find("psql", server.major(), dirs), find("pg_dump", server.major(), dirs),
                find("pg_restore", server.major(), dirs));
    }

    private static Path find(String tool, int major, Set<Path> dirs) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new WaldenException(tool + " of PostgreSQL " + major + " is not installed (looked in "
                + String.join(", ", dirs.stream().map(Path::toString).toList()) + ")",
                "install postgresql-client-" + major + " (apt-get install postgresql-client-" + major
                        + "), or pass --pg-bin the bin directory of PostgreSQL " + major + " that has it");
    }
}
