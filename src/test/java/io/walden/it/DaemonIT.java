package io.walden.it;

import io.walden.pg.PostmasterPid;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** walden daemon streaming WAL from a real server: a SIGKILL loses about a second, restarts leave no gap. */
class DaemonIT {

    @Test
    void serverKilledMidStreamRestoreLatestHasEveryTransactionOlderThanTwoSeconds() throws Exception {
        try (Scenario s = new Scenario("daemon-kill")) {
            s.pg.sql("CREATE TABLE commits (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
            Path pgbench = TestCluster.binaries().tool("pgbench");
            List<String> connection = List.of("-h", "127.0.0.1", "-p", Integer.toString(s.pg.port()), "-U", "postgres", "postgres");
            List<String> init = new ArrayList<>(List.of(pgbench.toString(), "-i", "-q", "-s", "2"));
            init.addAll(connection);
            assertThat(new ProcessBuilder(init).redirectErrorStream(true).redirectOutput(s.base.resolve("pgbench-init.log").toFile())
                    .start().waitFor()).as("pgbench -i").isZero();
            s.backup();
            try (DaemonProcess d = DaemonProcess.start(s)) {
                d.awaitHealthy();
                // pgbench at full speed beside the marker writer: the stream carries a real load when the server dies
                List<String> run = new ArrayList<>(List.of(pgbench.toString(), "-n", "-c", "2", "-j", "1", "-T", "300"));
                run.addAll(connection);
                Process load = new ProcessBuilder(run).redirectErrorStream(true)
                        .redirectOutput(s.base.resolve("pgbench.log").toFile()).start();
                Map<Long, Instant> acknowledged = new ConcurrentHashMap<>();
                AtomicBoolean writing = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    try (Connection c = s.pg.connect();
                         PreparedStatement p = c.prepareStatement("INSERT INTO commits (id) VALUES (?)")) {
                        for (long id = 1; writing.get(); id++) {
                            p.setLong(1, id);
                            p.executeUpdate();
                            acknowledged.put(id, Instant.now()); // autocommit: the commit returned
                        }
                    } catch (Exception e) {
                        // the server was killed under it
                    }
                });
                writer.start();
                Scenario.pause(6000);
                Map<String, Double> metrics = d.metrics();
                assertThat(metrics.get("walden_stream_up")).isEqualTo(1.0);
                assertThat(metrics.get("walden_stream_flushed_lsn")).isPositive()
                        .isLessThanOrEqualTo(metrics.get("walden_stream_received_lsn"));
                assertThat(metrics.get("walden_stream_last_flush_timestamp_seconds"))
                        .isGreaterThan(Instant.now().getEpochSecond() - 5.0);

                Instant killedAt = Instant.now();
                killServer(s.pg.pgdata());
                writing.set(false);
                writer.join();
                load.destroy();
                Scenario.pause(2500); // the daemon stores what it received before the server died, then retries
                Map<String, Double> after = d.metrics();
                assertThat(after.get("walden_stream_up")).isEqualTo(0.0);
                d.stop();
                // what the daemon made durable ends in the segment being streamed when the server died: stored as a
                // partial, unless the kill fell exactly on a segment boundary (then that segment is whole)
                long flushed = after.get("walden_stream_flushed_lsn").longValue();
                long segmentSize = 16L << 20;
                String expected = flushed % segmentSize != 0
                        ? String.format("%08X%08X%08X.partial", 1, flushed / segmentSize / 256, flushed / segmentSize % 256)
                        : String.format("%08X%08X%08X", 1, (flushed / segmentSize - 1) / 256, (flushed / segmentSize - 1) % 256);
                try (var files = Files.walk(s.repo.resolve("wal"))) {
                    assertThat(files.map(f -> f.getFileName().toString())).as("the segment streamed when the server died")
                            .contains(expected);
                }

                Path fresh = TestDirs.serverDir(s.base, "restored").resolve("pgdata");
                Cli.Result r = s.ok("restore", "--pgdata", fresh.toString());
                assertThat(r.out()).contains("restored backup");
                // the restored server listens on the killed one's port; stop it when done
                io.walden.pg.PgCtl restored = new io.walden.pg.PgCtl(TestCluster.binaries(), fresh, s.pg.osUser());
                Set<Long> present = new HashSet<>();
                try (Connection c = s.pg.connect(); var st = c.createStatement(); var rs = st.executeQuery("SELECT id FROM commits")) {
                    while (rs.next()) {
                        present.add(rs.getLong(1));
                    }
                }
                List<Long> missingOld = new ArrayList<>();
                Instant oldestMissing = null;
                for (var e : acknowledged.entrySet()) {
                    if (!present.contains(e.getKey())) {
                        if (oldestMissing == null || e.getValue().isBefore(oldestMissing)) {
                            oldestMissing = e.getValue();
                        }
                        if (e.getValue().isBefore(killedAt.minusMillis(2000))) {
                            missingOld.add(e.getKey());
                        }
                    }
                }
                System.out.printf("DaemonIT RPO: %d commits acknowledged, %d restored, %d lost; oldest lost commit %s ms before the kill%n",
                        acknowledged.size(), present.size(), acknowledged.size() - acknowledged.keySet().stream().filter(present::contains).count(),
                        oldestMissing == null ? "none" : Long.toString(Duration.between(oldestMissing, killedAt).toMillis()));
                assertThat(acknowledged).hasSizeGreaterThan(100);
                try (Connection c = s.pg.connect(); var st = c.createStatement();
                     var rs = st.executeQuery("SELECT count(*) FROM pgbench_history")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("pgbench transactions restored").isPositive();
                }
                restored.stop("fast", Duration.ofSeconds(60));
                assertThat(missingOld).as("commits acknowledged more than 2 s before the kill but not restored").isEmpty();
            }
        }
    }

    @Test
    void daemonAndServerRestartLeaveNoGap() throws Exception {
        try (Scenario s = new Scenario("daemon-restart")) {
            s.pg.withArchiveCommand("true"); // only the daemon stores WAL here
            s.pg.sql("CREATE TABLE t (id int)");
            try (DaemonProcess d = DaemonProcess.start(s)) {
                d.awaitHealthy();
                s.backup();
                s.pg.sql("INSERT INTO t SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()");
                d.stop(); // SIGTERM: what was received is stored, then it says where it stopped
                assertThat(d.log()).contains("walden daemon: stopped at ");
                try (var staged = Files.list(s.base.resolve("staging"))) {
                    assertThat(staged.toList()).as("staging files left behind").isEmpty();
                }
            }
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()",
                    "INSERT INTO t SELECT generate_series(1, 1000)");
            try (DaemonProcess d = DaemonProcess.start(s)) {
                d.awaitHealthy();
                s.pg.stop();
                Scenario.pause(1500);
                s.pg.start();
                s.pg.sql("INSERT INTO t SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()",
                        "INSERT INTO t SELECT generate_series(1, 1000)");
                long target = lsnBytes(s.pg.queryString("SELECT pg_current_wal_lsn()::text"));
                d.awaitFlushed(target);
                Map<String, Double> m = d.metrics();
                assertThat(m.get("walden_stream_reconnects_total")).isGreaterThanOrEqualTo(1.0);
                assertThat(m.get("walden_replication_slot_retained_bytes")).isGreaterThanOrEqualTo(0.0);
                assertThat(m.get("walden_stream_failures_total{kind=\"store\"}")).isEqualTo(0.0);
            }
            long expected = s.count("t");
            Cli.Result verify = s.ok("verify");
            assertThat(verify.out()).doesNotContain("missing");
            s.restore();
            assertThat(s.count("t")).isEqualTo(expected);
        }
    }

    @Test
    void followsTheServerOntoTheTimelineAPointInTimeRestoreStarts() throws Exception {
        try (Scenario s = new Scenario("daemon-timeline")) {
            s.pg.withArchiveCommand("true"); // only the daemon stores WAL, the history file included
            s.pg.sql("CREATE TABLE t (id int)");
            try (DaemonProcess d = DaemonProcess.start(s)) {
                d.awaitHealthy();
                s.backup();
                s.pg.sql("INSERT INTO t SELECT generate_series(1, 100)");
                Scenario.pause(300);
                String target = s.serverNow();
                Scenario.pause(300);
                s.pg.sql("INSERT INTO t SELECT generate_series(101, 150)");
                d.awaitFlushed(lsnBytes(s.pg.queryString("SELECT pg_current_wal_lsn()::text")));

                s.restore("--target-time", target); // stops the server under the daemon, promotes onto timeline 2
                assertThat(s.timeline()).isEqualTo(2);
                s.pg.sql("INSERT INTO t SELECT generate_series(1001, 1010)");
                long deadline = System.nanoTime() + 90_000_000_000L; // reconnecting backs off up to 30 s
                while (!(d.metrics().get("walden_stream_timeline") == 2.0 && d.metrics().get("walden_stream_up") == 1.0)) {
                    assertThat(System.nanoTime()).as("streaming on timeline 2\n%s", d.log()).isLessThan(deadline);
                    Scenario.pause(300);
                }
                d.awaitFlushed(lsnBytes(s.pg.queryString("SELECT pg_current_wal_lsn()::text")));
                assertThat(d.log()).contains("stored 00000002.history");
            }
            try (var files = Files.walk(s.repo.resolve("wal"))) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("00000002.history"));
            }
            s.pg.stop();
            s.restore(); // latest: along timeline 2, from the daemon's WAL alone
            assertThat(s.timeline()).isEqualTo(3);
            assertThat(s.count("t")).isEqualTo(110);
        }
    }

    private static long lsnBytes(String lsn) {
        String[] p = lsn.split("/");
        return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
    }

    /** SIGKILL to every process of the cluster at once, as a crash of the machine's database would be. */
    private static void killServer(Path pgdata) {
        long pid = PostmasterPid.read(pgdata).orElseThrow().pid();
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        postmaster.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().join();
    }

    /** walden daemon as its own process, stopped with SIGTERM. */
    static final class DaemonProcess implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;
        private final HttpClient http = HttpClient.newHttpClient();

        private DaemonProcess(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        static DaemonProcess start(Scenario s, String... extraArgs) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile(s.base, "daemon", ".log");
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec " + TestCluster.longRunningWaldenCommand(s.jar)
                    + " daemon --http 127.0.0.1:" + port
                    + " --staging " + s.base.resolve("staging") + " " + io.walden.pg.ShellQuote.join(List.of(extraArgs)));
            Map<String, String> env = new HashMap<>(Map.of("WALDEN_REPO", s.repoSpec, "PGHOST", "127.0.0.1",
                    "PGPORT", Integer.toString(s.pg.port()), "PGUSER", "postgres", "PGDATABASE", "postgres"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            return new DaemonProcess(pb.start(), port, log);
        }

        String get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }

        void awaitHealthy() throws Exception {
            long deadline = System.nanoTime() + 60_000_000_000L;
            String last = "";
            while (System.nanoTime() < deadline) {
                try {
                    last = get("/health");
                    if (last.startsWith("200")) {
                        return;
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                assertThat(process.isAlive()).as("daemon alive\n%s", Files.readString(log)).isTrue();
                Scenario.pause(200);
            }
            throw new AssertionError("daemon not healthy within a minute: " + last + "\n" + Files.readString(log));
        }

        void awaitFlushed(long lsn) throws Exception {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (metrics().get("walden_stream_flushed_lsn") < lsn) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("daemon did not flush to " + lsn + ": " + metrics() + "\n" + Files.readString(log));
                }
                Scenario.pause(200);
            }
        }

        /** /metrics as a Prometheus text-format parser reads it, keyed "name" or "name{label="value",...}". */
        Map<String, Double> metrics() throws Exception {
            String body = get("/metrics");
            assertThat(body).startsWith("200 ");
            return PromText.byKey(PromText.parse(body.substring(4)));
        }

        int port() {
            return port;
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        void stop() throws Exception {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: the daemon stores what it received, then exits
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }
}
