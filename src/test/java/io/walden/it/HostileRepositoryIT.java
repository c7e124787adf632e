package io.walden.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository whose content was damaged or forged by someone who can write to it (without the key, or on an
 * unencrypted one): manifests naming paths outside PGDATA, wrong sizes, invalid JSON, truncated or swapped
 * data objects, a WAL segment stored under another segment's name. Each is refused with the object's name,
 * nothing is written outside the new PGDATA, and the running cluster is never touched.
 */
class HostileRepositoryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void forgedOrDamagedContentIsRefusedNamingTheObjectAndNothingEscapesPgdata() throws Exception {
        try (Scenario s = new Scenario("hostile")) {
            s.pg.sql("CREATE TABLE t (id int, v text)", "INSERT INTO t SELECT g, repeat(md5(g::text), 40) FROM generate_series(1, 20000) g");
            String id = s.backup("--type", "full");
            s.pg.sql("INSERT INTO t SELECT g, 'after' FROM generate_series(1, 10) g");
            s.switchWalAndWaitArchived();
            Repository repo = new Repository(new LocalStorage(s.repo));
            byte[] original = read(repo, ObjectKeys.manifest(id));

            refused(s, "path outside", forged(repo, id, original, m -> firstFile(m).put("path", "../escape")),
                    "names '../escape', which is not a path inside PGDATA");
            refused(s, "absolute path", forged(repo, id, original, m -> firstFile(m).put("path", s.base.resolve("abs").toString())),
                    "which is not a path inside PGDATA");
            refused(s, "wrong size", forged(repo, id, original, m -> largestFile(m).put("size", largestFile(m).path("size").asLong() + 8192)),
                    id);
            write(repo, ObjectKeys.manifest(id), "{\"format\": 2, \"id\": ".getBytes());
            refused(s, "invalid JSON", () -> { }, "manifest.json");
            write(repo, ObjectKeys.manifest(id), original);

            // data objects damaged on disk: each passes or fails its own checksum, never the manifest's
            List<Path> objects;
            try (Stream<Path> files = Files.list(s.repo.resolve("backups").resolve(id).resolve("data"))) {
                objects = files.sorted((a, b) -> Long.compare(size(b), size(a))).toList();
            }
            Path largest = objects.get(0);
            Path saved = s.base.resolve("saved-object");
            Files.copy(largest, saved);
            try (RandomAccessFile f = new RandomAccessFile(largest.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
            refused(s, "truncated object", () -> { }, largest.getFileName().toString());
            replace(largest, largest.resolveSibling(objects.get(1).getFileName()));
            refused(s, "swapped object", () -> { }, "backups/" + id + "/data/");
            replace(largest, saved);

            // a segment stored under another segment's name passes its checksum, but not its header or first page
            String current = s.pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
            s.pg.sql("INSERT INTO t SELECT g, 'last' FROM generate_series(1, 10) g");
            s.switchWalAndWaitArchived();
            Path walDir = s.repo.resolve("wal").resolve(current.substring(0, 16));
            String previous = Files.list(walDir).map(p -> p.getFileName().toString())
                    .filter(n -> n.length() == 24 && n.compareTo(current) < 0).max(String::compareTo).orElseThrow();
            Files.copy(walDir.resolve(current), saved, StandardCopyOption.REPLACE_EXISTING);
            replace(walDir.resolve(current), walDir.resolve(previous));
            Path fetched = s.base.resolve("fetched");
            Cli.Result fetch = s.cli.run("wal-fetch", current, fetched.toString());
            assertThat(fetch.exit()).as("an exit PostgreSQL treats as an error, not as 'not archived'\n" + fetch).isEqualTo(126);
            assertThat(fetch.err()).contains("wal/" + current.substring(0, 16) + "/" + current, "not " + current);
            assertThat(fetched).doesNotExist();
            refused(s, "moved WAL segment", () -> { }, "not " + current);
            Cli.Result status = s.cli.run("status");
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.err()).contains("wal/" + current.substring(0, 16) + "/" + current, "moved or forged");
            replace(walDir.resolve(current), saved);


            assertThat(s.count("t")).as("the running cluster was never touched").isEqualTo(20020);
            assertThat(s.base.resolve("escape")).doesNotExist();
            assertThat(s.base.resolve("abs")).doesNotExist();
        }
    }

    /** A restore into a new directory fails with {@code expected} in its message and leaves that directory empty. */
    private static void refused(Scenario s, String what, Runnable damage, String expected) throws IOException {
        damage.run();
        Path dir = TestDirs.serverDir(s.base, "restore-" + what.replace(' ', '-'));
        Path pgdata = dir.resolve("pgdata");
        Cli.Result r = s.cli.run("restore", "--pgdata", pgdata.toString(), "--port", Integer.toString(TestClusterPorts.free()));
        if (r.exit() == 0) {
            String log = Files.readString(pgdata.resolve("log").resolve("walden-restore.log"));
            new io.walden.pg.PgCtl(TestCluster.binaries(), pgdata, s.pg.osUser()).stop("immediate", java.time.Duration.ofSeconds(60));
            throw new AssertionError(what + ": the restore succeeded\n" + r + "\nserver log:\n" + log);
        }
        assertThat(r.exit()).as(what + "\n" + r).isEqualTo(1);
        assertThat(r.err()).as(what).contains(expected);
        try (Stream<Path> left = Files.exists(pgdata) ? Files.list(pgdata) : Stream.empty()) {
            assertThat(left).as(what + ": nothing half-written is left in PGDATA").isEmpty();
        }
        try (Stream<Path> beside = Files.list(dir)) {
            assertThat(beside.map(p -> p.getFileName().toString())).as(what + ": nothing beside PGDATA")
                    .allMatch(n -> n.equals("pgdata") || n.startsWith("pgdata."));
        }
    }

    /** Overwrites a repository file as the server's user would have written it, so that only its content is wrong. */
    private static void replace(Path target, Path content) throws IOException {
        Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
        TestDirs.giveToServer(target);
    }

    private static Runnable forged(Repository repo, String id, byte[] original, Consumer<ObjectNode> change) {
        return () -> {
            try {
                ObjectNode m = (ObjectNode) JSON.readTree(original);
                change.accept(m);
                write(repo, ObjectKeys.manifest(id), JSON.writeValueAsBytes(m));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static ObjectNode firstFile(ObjectNode manifest) {
        return (ObjectNode) manifest.path("files").get(0);
    }

    private static ObjectNode largestFile(ObjectNode manifest) {
        ObjectNode largest = null;
        for (var f : manifest.path("files")) {
            if (largest == null || f.path("size").asLong() > largest.path("size").asLong()) {
                largest = (ObjectNode) f;
            }
        }
        return largest;
    }

    private static byte[] read(Repository repo, String key) throws IOException {
        try (InputStream in = repo.read(key)) {
            return in.readAllBytes();
        }
    }

    private static void write(Repository repo, String key, byte[] content) throws IOException {
        repo.write(key, "{\"type\":\"manifest\"}", false, out -> out.write(content));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
