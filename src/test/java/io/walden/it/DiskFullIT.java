package io.walden.it;

import io.walden.pg.ProcessRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A repository or a PGDATA on a filesystem too small for the job (a small tmpfs, which needs root): one clear
 * message naming the place and the space, nothing that looks complete, nothing half-written left behind.
 */
class DiskFullIT {

    @Test
    void aFullRepositoryOrATooSmallPgdataFailsCleanlyNamingThePlace() throws Exception {
        try (Scenario s = new Scenario("diskfull")) {
            Path small = TestDirs.serverDir(s.base, "small");
            assumeTrue(ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=24m,mode=0777", "tmpfs", small.toString()),
                    s.base, Duration.ofSeconds(10)).succeeded(), "mounting a small tmpfs needs root");
            try {
                // about 60 MB of text that compresses about 2:1: more than the 24 MB the repository may use
                s.pg.sql("CREATE TABLE t (id int, v text)",
                        "INSERT INTO t SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 600000) g");
                Path repo = small.resolve("repo");
                Cli.Result backup = s.cli.with("WALDEN_REPO", repo.toString()).run("backup", "--pgdata", s.pg.pgdata().toString());
                assertThat(backup.exit()).as(backup.toString()).isEqualTo(1);
                assertThat(backup.err()).contains("the repository at " + repo + " is full (no space left on device",
                        "was abandoned and what it had stored removed", "MB before compression", "HINT: free space");
                Cli.Result list = s.cli.with("WALDEN_REPO", repo.toString()).run("list");
                assertThat(list.out()).as("no backup looks complete").doesNotContainPattern("\\d{8}T\\d{6}Z");
                try (Stream<Path> data = Files.exists(repo.resolve("backups")) ? Files.walk(repo.resolve("backups")) : Stream.empty()) {
                    assertThat(data.filter(Files::isRegularFile).toList()).as("what the backup stored is removed").isEmpty();
                }

                // a restore into the small filesystem is refused before anything is written
                String id = s.backup("--type", "full");
                Path pgdata = small.resolve("pgdata");
                Cli.Result restore = s.cli.run("restore", "--pgdata", pgdata.toString(), "--backup", id);
                assertThat(restore.exit()).as(restore.toString()).isEqualTo(1);
                assertThat(restore.err()).containsPattern("not enough disk space in " + small + ": the backup needs \\d+ MB, \\d+ MB are free");
                assertThat(pgdata).doesNotExist();
                assertThat(s.count("t")).isEqualTo(600000);
            } finally {
                ProcessRunner.run(List.of("umount", small.toString()), s.base, Duration.ofSeconds(30));
            }
        }
    }
}
