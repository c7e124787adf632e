package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.walden.repo.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** walden drill and walden report against real PostgreSQL: pass on a healthy repository, fail naming the check, leave nothing. */
class DrillIT {
    private static final Pattern SCRATCH = Pattern.compile("drill: restoring backup \\S+ to .* into (\\S+)");

    @Test
    void passesOnAHealthyRepositoryFailsOnAnUnmetExpectationAndReportListsDrillsAndRestores() throws Exception {
        try (Scenario s = new Scenario("drill")) {
            s.pg.sql("CREATE TABLE customers (id int PRIMARY KEY, email text)",
                    "CREATE UNIQUE INDEX customers_email ON customers (email)",
                    "CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers (id))",
                    "INSERT INTO customers SELECT g, 'c' || g || '@example.org' FROM generate_series(1, 50) g",
                    "INSERT INTO orders SELECT g, 1 + g % 50 FROM generate_series(1, 100) g");
            String backup = s.backup();
            s.pg.sql("INSERT INTO orders SELECT g, 1 + g % 50 FROM generate_series(101, 120) g", "CREATE TABLE later (id int)");
            s.switchWalAndWaitArchived();
            Path reports = TestDirs.serverDir(s.base, "reports");
            Path checks = s.base.resolve("checks.yaml");
            Files.writeString(checks, """
                    - name: orders kept
                      sql: SELECT count(*) FROM orders
                      expect: 120
                    - name: first customers
                      sql: SELECT id, email FROM customers ORDER BY id LIMIT 2
                      expect: [[1, c1@example.org], [2, c2@example.org]]
                    """);

            Cli.Result r = s.cli.run("drill", "--checks", checks.toString(), "--report", reports.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("passed: backup " + backup + " to the end of the archived WAL")
                    .contains("PASS     server starts").contains("PASS     connectivity").contains("PASS     wal complete")
                    .contains("PASS     schema present").contains("PASS     row counts").contains("PASS     foreign keys valid")
                    .contains("PASS     unique constraints hold").contains("PASS     orders kept").contains("PASS     first customers")
                    .contains("PASS     teardown").contains("next: walden --repo " + s.repoSpec + " report");
            Path scratch = scratchDir(r);
            assertThat(scratch).doesNotExist();
            assertThat(processesMentioning(scratch)).isEmpty();

            List<Path> files = list(reports);
            assertThat(files).hasSize(3);
            Path json = files.stream().filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
            Path md = files.stream().filter(f -> f.toString().endsWith(".md")).findFirst().orElseThrow();
            assertThat(files.stream().filter(f -> f.toString().endsWith(".html"))).hasSize(1);
            JsonNode report = Json.mapper().readTree(json.toFile());
            assertThat(report.get("backup").asText()).isEqualTo(backup);
            assertThat(report.get("passed").asBoolean()).isTrue();
            assertThat(report.get("rtoSeconds").asDouble()).isPositive();
            assertThat(report.get("rpoSeconds").isNumber()).as(report.toString()).isTrue();
            assertThat(report.get("rpoSeconds").asDouble()).isGreaterThanOrEqualTo(0).isLessThan(3600);
            assertThat(report.get("walTo").asText()).contains("segment");
            assertThat(Files.readString(md)).contains("PASSED").contains(backup).contains("| RPO |").contains("| RTO |")
                    .contains("orders kept").contains("public.orders 120 rows").contains("0 orphan rows");

            Files.writeString(checks, """
                    - name: orders kept
                      sql: SELECT count(*) FROM orders
                      expect: 999
                    """);
            Cli.Result failed = s.cli.run("drill", "--checks", checks.toString(), "--report", reports.toString());
            assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
            assertThat(failed.out()).contains("FAILED: backup " + backup).contains("FAIL     orders kept");
            assertThat(failed.err().strip().lines().reduce((a, b) -> b).orElseThrow())
                    .isEqualTo("walden: drill failed: check 'orders kept': expected 999, got 120");
            assertThat(scratchDir(failed)).doesNotExist();
            assertThat(list(reports)).hasSize(6);

            s.restore();

            Cli.Result history = s.ok("report");
            List<String> lines = history.out().lines().toList();
            assertThat(lines.stream().filter(l -> l.contains(" drill ") && l.contains(" passed ") && l.contains(backup))).hasSize(1);
            assertThat(lines.stream().filter(l -> l.contains(" drill ") && l.contains(" failed ") && l.contains("failed: orders kept"))).hasSize(1);
            assertThat(lines.stream().filter(l -> l.contains(" restore ") && l.contains(" completed ") && l.contains(backup))).hasSize(1);
            assertThat(history.out()).contains("3 events: 2 drills (1 failed), 1 restores; worst RPO ");
            JsonNode events = Json.mapper().readTree(s.ok("report", "--json").out());
            assertThat(events).hasSize(3);
            for (JsonNode e : events) {
                assertThat(e.get("rtoSeconds").asDouble()).as(e.toString()).isPositive();
                assertThat(e.get("rpoSeconds").asDouble()).as(e.toString()).isGreaterThanOrEqualTo(0);
            }
            String future = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
            assertThat(s.ok("report", "--since", future).out()).startsWith("no drills or restores recorded");
        }
    }

    @Test
    void failsNamingTheWalCheckWhenASegmentIsMissing() throws Exception {
        try (Scenario s = new Scenario("drill-gap")) {
            s.pg.sql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup();
            s.pg.sql("INSERT INTO t SELECT generate_series(11, 20)");
            String lost = s.pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
            s.switchWalAndWaitArchived();
            s.pg.sql("INSERT INTO t SELECT generate_series(21, 30)");
            s.switchWalAndWaitArchived();
            s.pg.sql("INSERT INTO t SELECT generate_series(31, 40)");
            s.switchWalAndWaitArchived();
            try (Stream<Path> walk = Files.walk(s.repo.resolve("wal"))) {
                Path segment = walk.filter(p -> p.getFileName().toString().startsWith(lost)).findFirst().orElseThrow();
                Files.delete(segment);
            }
            Path reports = TestDirs.serverDir(s.base, "reports");

            Cli.Result r = s.cli.run("drill", "--report", reports.toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("FAIL     wal complete").contains("PASS     server starts");
            assertThat(r.err().strip().lines().reduce((a, b) -> b).orElseThrow())
                    .startsWith("walden: drill failed: check 'wal complete': WAL segment " + lost + " is missing from the repository");
            assertThat(scratchDir(r)).doesNotExist();
            JsonNode report = Json.mapper().readTree(list(reports).stream().filter(f -> f.toString().endsWith(".json"))
                    .findFirst().orElseThrow().toFile());
            assertThat(report.get("passed").asBoolean()).isFalse();
            assertThat(report.get("rpoSeconds").asDouble()).as("the commits after the gap are lost: %s", report).isPositive();
        }
    }

    @Test
    void badInputIsRefusedWithOneMessageAndLeavesNothing() throws Exception {
        try (Scenario s = new Scenario("drill-bad")) {
            Path reports = s.base.resolve("reports");
            s.pg.sql("CREATE TABLE t (id int)");
            s.switchWalAndWaitArchived();

            Cli.Result noBackups = s.cli.run("drill", "--report", reports.toString());
            assertThat(noBackups.exit()).as(noBackups.toString()).isEqualTo(1);
            assertThat(noBackups.err()).contains("has no backups").contains("HINT: take one with 'walden backup'");

            s.backup();
            Cli.Result missing = s.cli.run("drill", "--checks", s.base.resolve("nope.yaml").toString(), "--report", reports.toString());
            assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
            assertThat(missing.err()).contains("walden: the checks file " + s.base.resolve("nope.yaml") + " does not exist");

            Path bad = s.base.resolve("bad.yaml");
            Files.writeString(bad, "- name: one\n  sql: SELECT 1\n  expect: 1\n- name: two\n  sql: SELECT 2\n");
            Cli.Result invalid = s.cli.run("drill", "--checks", bad.toString(), "--report", reports.toString());
            assertThat(invalid.exit()).as(invalid.toString()).isEqualTo(2);
            assertThat(invalid.err()).contains("walden: the checks file " + bad + " line 4: check 'two' has no expect");

            Path file = Files.writeString(s.base.resolve("afile"), "x");
            Cli.Result notWritable = s.cli.run("drill", "--report", file.resolve("sub").toString());
            assertThat(notWritable.exit()).as(notWritable.toString()).isEqualTo(2);
            assertThat(notWritable.err()).contains("cannot write the drill report in " + file.resolve("sub"));

            String later = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
            Cli.Result beyond = s.cli.run("drill", "--target-time", later, "--report", reports.toString());
            assertThat(beyond.exit()).as(beyond.toString()).isEqualTo(1);
            assertThat(beyond.err()).contains("is outside the recoverable window");
            assertThat(reports).doesNotExist();
            assertThat(s.repo.resolve("events")).doesNotExist();
        }
    }

    @Test
    void keepLeavesTheScratchServerRunningAndSaysHowToRemoveIt() throws Exception {
        try (Scenario s = new Scenario("drill-keep")) {
            s.pg.sql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup();
            Path reports = TestDirs.serverDir(s.base, "reports");
            Cli.Result r = s.cli.run("drill", "--immediate", "--keep", "--report", reports.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            Path scratch = scratchDir(r);
            try {
                assertThat(r.out()).contains("  kept     psql \"host=127.0.0.1 port=").contains("in " + scratch)
                        .contains("remove it with: ").contains("pg_ctl stop -D " + scratch.resolve("pgdata") + " -m fast && rm -rf " + scratch)
                        .doesNotContain("teardown");
                assertThat(scratch.resolve("pgdata/postmaster.pid")).exists();
                assertThat(processesMentioning(scratch)).isNotEmpty();
            } finally {
                new io.walden.pg.PgCtl(TestCluster.binaries(), scratch.resolve("pgdata"), TestDirs.serverUser())
                        .stop("immediate", java.time.Duration.ofMinutes(1));
                TestDirs.deleteTree(scratch);
            }
        }
    }

    private static Path scratchDir(Cli.Result r) {
        Matcher m = SCRATCH.matcher(r.err());
        assertThat(m.find()).as(r.toString()).isTrue();
        return Path.of(m.group(1));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** Live processes whose command line names {@code dir} (a postmaster started with -D inside it). */
    private static List<Long> processesMentioning(Path dir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
