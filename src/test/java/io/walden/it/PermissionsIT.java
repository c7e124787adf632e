package io.walden.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What walden writes is readable by its owner only: the repository's objects and folders, the keyset, the
 * restored PGDATA (0700, as PostgreSQL demands). A restore run as root writes PGDATA owned by the server's
 * user, not by root.
 */
class PermissionsIT {
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @Test
    void repositoryKeysetAndRestoredPgdataAreTheOwnersOnly() throws Exception {
        try (Scenario s = new Scenario("permissions")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            s.backup("--type", "full");
            s.switchWalAndWaitArchived();
            List<Path> open = openToOthers(s.repo);
            assertThat(open).as("repository files and folders readable by group or others").isEmpty();

            Path keyset = s.base.resolve("own-keys").resolve("walden.keyset");
            Files.createDirectories(keyset.getParent());
            assertThat(s.cli.run("key", "generate", keyset.toString()).exit()).isZero();
            assertThat(Files.getPosixFilePermissions(keyset)).doesNotContainAnyElementsOf(GROUP_OR_OTHER);

            Path restored = TestDirs.serverDir(s.base, "restored").resolve("pgdata");
            Cli.Result r = s.cli.run("restore", "--pgdata", restored.toString(), "--no-start");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(Files.getPosixFilePermissions(restored)).doesNotContainAnyElementsOf(GROUP_OR_OTHER);
            String serverUser = Files.getOwner(s.pg.pgdata()).getName();
            try (Stream<Path> files = Files.walk(restored)) {
                assertThat(files.filter(p -> !ownedBy(p, serverUser)).toList())
                        .as("files of the restored PGDATA not owned by " + serverUser + " (walden ran as "
                                + System.getProperty("user.name") + ")").isEmpty();
            }
        }
    }

    private static List<Path> openToOthers(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).filter(p -> {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    return perms.stream().anyMatch(GROUP_OR_OTHER::contains);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static boolean ownedBy(Path p, String user) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(user);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
