package io.walden.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention on a real repository: a dry run deletes nothing; a confirmed one leaves the oldest kept backup restorable. */
class RetentionIT {

    @Test
    void dryRunThenDeleteKeepsTheRemainingBackupsRestorableAndPinsHold() throws Exception {
        try (Scenario s = new Scenario("retention")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 100)");
            String a = s.backup("--type", "full");
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 20)", "SELECT pg_switch_wal()");
            String b = s.backup("--type", "full");
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 3)", "SELECT pg_switch_wal()");
            String c = s.backup("--type", "full");
            Scenario.pause(1000);
            long walBefore = count(s.repo.resolve("wal"));

            Cli.Result dry = s.ok("delete", "--retain-full", "2");
            assertThat(dry.out()).contains("would delete  backup " + a + " (ended ")
                    .contains("keep          backup " + b).contains("keep          backup " + c + " (ended ")
                    .contains(": newest backup").contains("dry run: nothing was deleted; run again with --confirm to delete");
            assertThat(s.cli.run("list").out()).contains(a).contains(b).contains(c);
            assertThat(count(s.repo.resolve("wal"))).isEqualTo(walBefore);

            s.ok("keep", b);
            Cli.Result done = s.ok("delete", "--retain-full", "1", "--confirm");
            assertThat(done.out()).contains("deleted  backup " + a).contains("keep     backup " + b + " (ended ")
                    .contains("pinned ('walden unkeep " + b + "' releases it)").contains("freed ");
            String list = s.cli.run("list").out();
            // a line per backup, its id first: two backups taken in one second are X and X-2
            assertThat(list).doesNotContainPattern("(?m)^" + java.util.regex.Pattern.quote(a) + "\\s").contains(b).contains(c);
            assertThat(s.repo.resolve("backups").resolve(a)).doesNotExist();
            assertThat(count(s.repo.resolve("wal"))).isLessThan(walBefore);
            assertThat(s.ok("verify", "--all").exit()).isZero();

            // the oldest remaining backup still restores, through all the WAL after it
            s.restore("--backup", b);
            assertThat(s.count("t")).isEqualTo(123);
        }
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
