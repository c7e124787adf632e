package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** verify reads a real repository back and names what would stop a restore: damaged or missing objects and WAL. */
class VerifyIT {

    @Test
    void findsAFlippedByteAMissingObjectAMissingSegmentAndAMissingHistoryFile() throws Exception {
        try (Scenario s = new Scenario("verify")) {
            s.pg.sql("CREATE TABLE t (id int, pad text)", "INSERT INTO t SELECT g, repeat('v', 400) FROM generate_series(1, 20000) g");
            String a = s.backup();
            s.pg.sql("INSERT INTO t SELECT g, 'x' FROM generate_series(1, 10) g");
            Scenario.pause(300);
            String target = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DELETE FROM t");
            s.restore("--target-time", target); // timeline 2
            s.pg.sql("INSERT INTO t SELECT g, 'y' FROM generate_series(1, 10) g");
            s.switchWalAndWaitArchived();

            Cli.Result clean = s.ok("verify", "--all");
            assertThat(clean.out()).contains("ok       backup " + a + ": ").contains("ok       WAL: ");

            // a flipped byte in the largest data object
            Path largest = largest(s.repo.resolve("backups").resolve(a).resolve("data"));
            byte[] original = Files.readAllBytes(largest);
            try (RandomAccessFile f = new RandomAccessFile(largest.toFile(), "rw")) {
                f.seek(original.length / 2);
                f.write(original[original.length / 2] ^ 0x01);
            }
            Cli.Result flipped = s.cli.run("verify", a);
            assertThat(flipped.exit()).isEqualTo(1);
            assertThat(flipped.out()).contains("PROBLEM  backup " + a).contains("backup " + a + " object " + largest.getFileName() + " ");
            assertThat(flipped.err()).startsWith("walden: the repository at " + s.repo + " has problems (above)");
            Files.write(largest, original);

            // a missing data object
            Path moved = largest.resolveSibling("aside");
            Files.move(largest, moved);
            Cli.Result missing = s.cli.run("verify", a);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.out()).contains("backup " + a + " object " + largest.getFileName() + " is missing; it holds ");
            Files.move(moved, largest);

            // a missing WAL segment the backup needs
            JsonNode backupA = new ObjectMapper().readTree(s.ok("list", "--json").out()).get(0);
            String stopSegment = backupA.path("stopSegment").asText();
            Path segment = s.repo.resolve("wal").resolve(stopSegment.substring(0, 16)).resolve(stopSegment);
            Files.move(segment, segment.resolveSibling("aside"));
            Cli.Result gap = s.cli.run("verify", a);
            assertThat(gap.exit()).isEqualTo(1);
            assertThat(gap.out()).contains("WAL " + stopSegment + " is missing: backup " + a + " cannot be restored without it");
            Files.move(segment.resolveSibling("aside"), segment);

            // a missing history file of a timeline whose segments are archived
            Path history = s.repo.resolve("wal").resolve("00000002.history");
            Files.move(history, history.resolveSibling("aside"));
            Cli.Result noHistory = s.cli.run("verify", a);
            assertThat(noHistory.exit()).isEqualTo(1);
            assertThat(noHistory.out()).contains("WAL 00000002.history is missing: restores cannot follow timeline 2");
            Files.move(history.resolveSibling("aside"), history);

            assertThat(s.cli.run("verify", "--all").exit()).isZero();
        }
    }

    private static Path largest(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }
}
