package io.walden.it;

import io.walden.error.FaultPoint;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryLock;
import io.walden.storage.ObjectInfo;
import io.walden.storage.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The crash matrix: every command is killed (WALDEN_FAULT, see {@link FaultPoint}) at each of its named
 * phases, as its own process, and the next command must find a safe state: no backup looks complete unless
 * it is, verify is clean or names only the incomplete backup, delete removes it, a retried wal-push
 * succeeds, a killed restore is undone by the next one, and no committed row is ever lost.
 *
 * <p>Each subclass is one cell of the matrix (a PostgreSQL major, a storage, a compression, encryption or
 * not) and chooses which kills it runs. One cluster and one repository serve a whole cell. The repository
 * is only looked at through {@link Storage}, so the same checks hold on local folders and on S3. The
 * table of what happened and the figures are written to target/crash-matrix-CELL.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CrashMatrix {
    protected Scenario s;
    private Path pgdata;
    private Storage repo;
    private final List<String> rows = new ArrayList<>();
    private int injected;
    private int survived;
    private long started;

    /** The cell's name, in the name of the file of its table: "pg15-local-zstd-plain". */
    abstract String cell();

    /** A cluster archiving into a new repository of this cell, walden run as its own process. */
    abstract Scenario start();

    /** The objects of the repository at {@code spec}, as a test sees them. */
    abstract Storage storage(String spec) throws IOException;

    /** The spec of a new, empty repository of the same kind, named after {@code name}. */
    abstract String freshRepository(String name);

    /**
     * The kills ("command phase") this cell runs by default, or null for every one. With the system property
     * walden.crash.full=true every cell runs every kill: the subsets keep the default build short.
     */
    Set<String> quickKills() {
        return null;
    }

    final boolean runs(String command, String phase) {
        Set<String> quick = quickKills();
        return quick == null || Boolean.getBoolean("walden.crash.full") || quick.contains(command + " " + phase);
    }

    @BeforeAll
    void setUp() throws IOException {
        started = System.nanoTime();
        s = start();
        repo = storage(s.repoSpec);
        pgdata = s.pg.pgdata();
        s.pg.sql("CREATE TABLE t (id bigserial PRIMARY KEY, pad text)",
                "INSERT INTO t (pad) SELECT repeat(md5(g::text), 20) FROM generate_series(1, 20000) g");
        s.backup("--type", "full");
    }

    @AfterAll
    void tearDown() throws IOException {
        try {
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            List<String> out = new ArrayList<>(List.of("## " + cell(), "", "| command | killed at | left behind | next command |",
                    "|---|---|---|---|"));
            out.addAll(rows);
            out.add("");
            out.add("faults injected: " + injected + ", survived: " + survived + ", data lost: 0, run time: " + seconds + " s");
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "crash-matrix-" + cell() + ".md"), out);
            out.forEach(System.out::println);
        } finally {
            try {
                if (repo != null) {
                    repo.close();
                }
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void backupKilledAtEveryPhaseLeavesNoBackupThatLooksComplete() throws Exception {
        String[] phases = {"backup.after-start", "object.before-commit", "backup.mid-copy", "backup.after-copy",
            "backup.after-stop", "backup.before-manifest", "backup.after-manifest"};
        assumeAny("backup", phases);
        for (String phase : phases) {
            if (!runs("backup", phase)) {
                continue;
            }
            s.pg.sql("INSERT INTO t (pad) SELECT 'backup " + phase + "' FROM generate_series(1, 500)");
            TreeSet<String> before = completeBackups();
            killed(phase, s.cli, "backup", "--pgdata", pgdata.toString());
            assertThat(repo.stat("locks/write.lock")).as("the killed backup held the lock").isPresent();

            TreeSet<String> after = completeBackups();
            TreeSet<String> incomplete = incompleteBackups();
            if (phase.equals("backup.after-manifest")) {
                assertThat(after).hasSize(before.size() + 1).containsAll(before);
                s.ok("verify", after.last()); // complete, and restorable
            } else {
                assertThat(after).as("no new backup looks complete").isEqualTo(before);
            }
            assertThat(incomplete).hasSizeLessThanOrEqualTo(1);
            String list = s.ok("list").out();
            // a line per backup, its id first: two backups taken in one second are X and X-2
            incomplete.forEach(id -> assertThat(list).doesNotContainPattern("(?m)^" + java.util.regex.Pattern.quote(id) + "\\s"));

            Cli.Result verify = s.ok("verify");
            assertThat(noted(verify)).as("verify names only the incomplete backup").isEqualTo(incomplete);

            // the killed process's lock is taken over: no manual cleanup
            String next = s.backup();
            Cli.Result delete = s.ok("delete", "--incomplete", "--confirm");
            incomplete.forEach(id -> assertThat(delete.out()).contains("deleted  incomplete backup " + id));
            assertThat(incompleteBackups()).isEmpty();
            assertThat(noted(s.ok("verify"))).isEmpty();
            survived++;
            rows.add(row("backup", phase, (phase.equals("backup.after-manifest") ? "a complete backup" : "no new backup in 'list'")
                    + (incomplete.isEmpty() ? "" : "; backup " + incomplete.first() + " without manifest (verify: note)")
                    + "; stale lock", "backup " + next + " ok (lock taken over); delete --incomplete removed "
                    + incomplete.size()));
        }
    }

    @Test
    @Order(2)
    void aLockHeldByALiveProcessIsStillRefused() throws Exception {
        try (RepositoryLock held = RepositoryLock.acquire(new Repository(repo), "backup", Duration.ZERO)) {
            Cli.Result second = s.cli.run("backup", "--pgdata", pgdata.toString());
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err()).startsWith("walden: the repository at " + s.repoSpec + " is locked: backup by process "
                    + ProcessHandle.current().pid() + " on ");
        }
    }

    @Test
    @Order(3)
    void walPushKilledMidUploadOrBeforeItsAnswerSucceedsWhenRetried() throws Exception {
        assumeAny("wal-push", "object.before-commit", "wal-push.after-upload");
        s.pg.sql("INSERT INTO t (pad) SELECT 'wal' FROM generate_series(1, 500)");
        s.switchWalAndWaitArchived();
        s.pg.sql("INSERT INTO t (pad) SELECT 'wal' FROM generate_series(1, 500)");
        s.switchWalAndWaitArchived();
        List<String> segments = archivedSegments();
        Path dir = TestDirs.serverDir(s.base, "segments");
        Path first = fetch(segments.get(segments.size() - 2), dir);
        Path second = fetch(segments.get(segments.size() - 1), dir);
        for (String phase : new String[] {"object.before-commit", "wal-push.after-upload"}) {
            if (!runs("wal-push", phase)) {
                continue;
            }
            String fresh = freshRepository("push-" + phase);
            Cli cli = s.cli.with("WALDEN_REPO", fresh);
            assertThat(cli.run("wal-push", first.toString()).exit()).isZero();
            killed(phase, cli, "wal-push", second.toString());
            String name = second.getFileName().toString();
            boolean stored;
            try (Storage pushed = storage(fresh)) {
                stored = pushed.stat("wal/" + name.substring(0, 16) + "/" + name).isPresent();
            }
            assertThat(stored).isEqualTo(phase.equals("wal-push.after-upload"));

            Cli.Result retry = cli.run("wal-push", second.toString());
            assertThat(retry.exit()).as(retry.toString()).isZero();
            Path back = dir.resolve("back-" + phase);
            assertThat(cli.run("wal-fetch", second.getFileName().toString(), back.toString()).exit()).isZero();
            assertThat(Files.mismatch(back, second)).as("the archived segment is the original").isEqualTo(-1L);
            survived++;
            rows.add(row("wal-push", phase, stored ? "the segment, stored and durable; PostgreSQL saw a failure"
                    : "no segment (only a hidden temporary object or an unfinished upload)", "wal-push again: exit 0, fetched back byte for byte"));
        }
    }

    @Test
    @Order(4)
    void deleteKilledAtEveryPhaseLeavesEveryListedBackupRestorable() throws Exception {
        assumeAny("delete", "delete.after-manifest", "delete.mid-objects", "delete.mid-wal");
        for (String phase : new String[] {"delete.after-manifest", "delete.mid-objects", "delete.mid-wal"}) {
            if (!runs("delete", phase)) {
                continue;
            }
            s.pg.sql("INSERT INTO t (pad) SELECT 'delete' FROM generate_series(1, 500)");
            s.switchWalAndWaitArchived();
            String newest = s.backup("--type", "full");
            killed(phase, s.cli, "delete", "--retain-full", "1", "--confirm");

            TreeSet<String> incomplete = incompleteBackups();
            Cli.Result verify = s.ok("verify", "--all");
            assertThat(noted(verify)).isEqualTo(incomplete);
            assertThat(incomplete).hasSizeLessThanOrEqualTo(1);

            s.ok("delete", "--retain-full", "1", "--confirm");
            assertThat(completeBackups()).containsExactly(newest);
            assertThat(incompleteBackups()).isEmpty();
            s.ok("verify", "--all");
            survived++;
            rows.add(row("delete", phase, incomplete.isEmpty() ? "every listed backup verifies"
                    : "backup " + incomplete.first() + " without manifest (verify: note); every listed backup verifies",
                    "delete again finishes (lock taken over); verify --all clean"));
        }
    }

    @Test
    @Order(5)
    void restoreKilledAtEveryPhaseIsUndoneByTheNextRestore() throws Exception {
        Path snapshot = pgdata.resolveSibling(pgdata.getFileName() + ".pre-restore");
        Path journal = pgdata.resolveSibling(pgdata.getFileName() + ".walden-restore");
        for (String phase : new String[] {"restore.mid-write", "restore.before-pg-control", "restore.before-start",
            "restore.during-recovery"}) {
            if (!runs("restore", phase)) {
                continue;
            }
            s.pg.sql("INSERT INTO t (pad) SELECT 'restore " + phase + "' FROM generate_series(1, 500)");
            String expected = contents();
            String marker = UUID.randomUUID().toString();
            Files.writeString(pgdata.resolve("crash-marker"), marker); // only the original PGDATA has it

            killed(phase, s.cli, "restore", "--pgdata", pgdata.toString());
            assertThat(journal).exists();
            assertThat(snapshot.resolve("global").resolve("pg_control")).as("the original, whole, beside").exists();
            assertThat(Files.readString(snapshot.resolve("crash-marker"))).isEqualTo(marker);
            boolean serverLeft = phase.equals("restore.during-recovery");

            Cli.Result retry = s.ok("restore", "--pgdata", pgdata.toString());
            assertThat(retry.out() + retry.err()).contains("found a restore of backup ")
                    .contains("put the previous PGDATA back from " + snapshot);
            assertThat(journal).doesNotExist();
            assertThat(contents()).as("every committed row is back").isEqualTo(expected);
            assertThat(Files.readString(snapshot.resolve("crash-marker"))).as("the snapshot is still the original").isEqualTo(marker);
            survived++;
            rows.add(row("restore", phase, "journal; the original PGDATA whole in .pre-restore; a half-written PGDATA"
                    + (serverLeft ? " with the new server still replaying WAL" : ""),
                    "restore again: " + (serverLeft ? "stops that server, " : "") + "puts the original back, restores; all rows back"));
        }

        // in place there is no snapshot: the next --delta restore takes over the half-written PGDATA
        if (!runs("restore --delta", "restore.mid-write")) {
            return;
        }
        s.pg.sql("INSERT INTO t (pad) SELECT 'delta' FROM generate_series(1, 500)");
        String expected = contents();
        killed("restore.mid-write", s.cli, "restore", "--pgdata", pgdata.toString(), "--delta");
        assertThat(pgdata.resolve("global").resolve("pg_control")).as("cannot be started by mistake").doesNotExist();
        Cli.Result retry = s.ok("restore", "--pgdata", pgdata.toString(), "--delta");
        assertThat(retry.out() + retry.err()).contains("is kept, to be restored in place again");
        assertThat(journal).doesNotExist();
        assertThat(contents()).isEqualTo(expected);
        survived++;
        rows.add(row("restore --delta", "restore.mid-write", "journal; PGDATA half rewritten, without pg_control",
                "restore --delta again resumes in place; all rows back"));
    }

    /** Reports a test whose kills this cell does not run as skipped, not as passed. */
    private void assumeAny(String command, String... phases) {
        assumeTrue(Stream.of(phases).anyMatch(p -> runs(command, p)), () -> cell() + " runs no kill of " + command);
    }

    private Cli.Result killed(String phase, Cli cli, String... args) {
        Cli.Result r = cli.with("WALDEN_FAULT", phase).run(args);
        assertThat(r.exit()).as("walden %s killed at %s\n%s", String.join(" ", args), phase, r).isEqualTo(FaultPoint.HALT_STATUS);
        assertThat(r.err()).contains(FaultPoint.MESSAGE + phase);
        injected++;
        return r;
    }

    private static String row(String command, String phase, String left, String next) {
        return "| " + command + " | `" + phase + "` | " + left + " | " + next + " |";
    }

    private String contents() {
        return s.pg.queryString("SELECT count(*) || ' rows, md5 ' || md5(string_agg(id::text || pad, ',' ORDER BY id)) FROM t");
    }

    /** The backups verify's notes name as incomplete. */
    private static TreeSet<String> noted(Cli.Result verify) {
        TreeSet<String> ids = new TreeSet<>();
        verify.out().lines().filter(l -> l.startsWith("note     backup ")).forEach(l -> ids.add(l.split(" +")[2]));
        return ids;
    }

    private TreeSet<String> completeBackups() throws IOException {
        return backupFolders(true);
    }

    /** Folders with a visible object and no manifest. */
    private TreeSet<String> incompleteBackups() throws IOException {
        return backupFolders(false);
    }

    /** Backup ids with a manifest ({@code complete}), or with a visible object and no manifest. */
    private TreeSet<String> backupFolders(boolean complete) throws IOException {
        TreeSet<String> manifests = new TreeSet<>();
        TreeSet<String> withObjects = new TreeSet<>();
        for (ObjectInfo o : repo.list("backups/")) {
            String[] parts = o.key().split("/");
            if (parts.length < 3) {
                continue;
            }
            withObjects.add(parts[1]);
            if (parts.length == 3 && parts[2].equals("manifest.json")) {
                manifests.add(parts[1]);
            }
        }
        if (complete) {
            return manifests;
        }
        withObjects.removeAll(manifests);
        return withObjects;
    }

    private List<String> archivedSegments() throws IOException {
        return repo.list("wal/").stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1))
                .filter(n -> n.matches("[0-9A-F]{24}")).sorted().toList();
    }

    private Path fetch(String segment, Path dir) {
        Path to = dir.resolve(segment);
        Cli.Result r = s.cli.run("wal-fetch", segment, to.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        return to;
    }
}
