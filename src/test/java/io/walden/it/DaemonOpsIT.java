package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.walden.repo.Json;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The daemon's schedules, metrics, JSON API and status page against a real server and repository; metrics --push. */
class DaemonOpsIT {

    @Test
    void schedulesRunJobsRetryAFailingOneAndReportBoth() throws Exception {
        try (Scenario s = new Scenario("daemon-schedules")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            s.backup();
            Path config = s.base.resolve("daemon.yaml");
            Files.writeString(config, """
                    refresh: 2s
                    retry: {attempts: 2, delay: 1s}
                    schedules:
                      - {name: frequent-backup, job: backup, cron: "*/15 * * * * *", args: [--type, incr]}
                      - {name: broken-verify, job: verify, cron: "*/15 * * * * *", args: [--from, "not a time"]}
                    """);
            try (DaemonIT.DaemonProcess d = DaemonIT.DaemonProcess.start(s, "--no-stream", "--config", config.toString())) {
                d.awaitHealthy();
                JsonNode jobs = awaitJobs(d, Duration.ofSeconds(90));
                JsonNode backup = jobs.get(0);
                JsonNode verify = jobs.get(1);
                assertThat(backup.get("name").asText()).isEqualTo("frequent-backup");
                assertThat(backup.get("lastResult").asText()).isEqualTo("succeeded");
                assertThat(backup.get("cron").asText()).isEqualTo("*/15 * * * * *");
                assertThat(verify.get("failedRuns").asLong()).isGreaterThanOrEqualTo(1);
                assertThat(verify.get("failedTries").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(verify.get("lastSummary").asText()).contains("not a time");

                Map<String, Double> m = d.metrics();
                assertThat(m.get("walden_job_last_result{job=\"backup\",schedule=\"frequent-backup\"}")).isEqualTo(1.0);
                assertThat(m.get("walden_job_last_success_timestamp_seconds{job=\"backup\",schedule=\"frequent-backup\"}"))
                        .isGreaterThan(Instant.now().getEpochSecond() - 120.0);
                assertThat(m.get("walden_job_runs_total{job=\"verify\",result=\"failed\",schedule=\"broken-verify\"}"))
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(m.get("walden_job_failed_tries_total{job=\"verify\",schedule=\"broken-verify\"}")).isGreaterThanOrEqualTo(2.0);
                assertThat(m.get("walden_job_next_run_timestamp_seconds{job=\"backup\",schedule=\"frequent-backup\"}"))
                        .isGreaterThan(Instant.now().getEpochSecond() - 1.0);

                JsonNode list = Json.mapper().readTree(s.ok("list", "--json").out());
                assertThat(list.size()).as("the scheduled backup is in the repository").isGreaterThanOrEqualTo(2);
                // a look every 2 s, and after every job: each archived segment's header is still read once
                long segments;
                try (var files = Files.walk(s.repo.resolve("wal"))) {
                    segments = files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}(\\..*)?")).count();
                }
                Scenario.pause(2500);
                Map<String, Double> later = d.metrics();
                assertThat(later.get("walden_repository_last_look_timestamp_seconds"))
                        .isGreaterThan(m.get("walden_repository_last_look_timestamp_seconds"));
                assertThat(later.get("walden_repository_summary_reads_total")).isPositive().isLessThanOrEqualTo((double) segments);
                assertThat(list.get(list.size() - 1).get("type").asText()).isEqualTo("incr");
                assertThat(d.log()).contains("broken-verify: failed (exit 2)").contains("(attempt 2 of 2)")
                        .contains("broken-verify: FAILED after 2 attempt(s)").contains("frequent-backup: succeeded");
            }
        }
    }

    /** Polls /api/jobs until the backup schedule has succeeded and the verify one has failed after all its attempts. */
    private static JsonNode awaitJobs(DaemonIT.DaemonProcess d, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode jobs = null;
        while (System.nanoTime() < deadline) {
            String body = d.get("/api/jobs");
            assertThat(body).startsWith("200 ");
            jobs = Json.mapper().readTree(body.substring(4));
            if ("succeeded".equals(jobs.get(0).path("lastResult").asText()) && jobs.get(1).path("failedRuns").asLong() >= 1) {
                return jobs;
            }
            Scenario.pause(500);
        }
        throw new AssertionError("schedules did not run within " + limit + ": " + jobs + "\n" + d.log());
    }

    @Test
    void metricsApiAndStatusPageShowWhatStatusAndListSay() throws Exception {
        try (Scenario s = new Scenario("daemon-metrics")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            String backupId = s.backup();
            s.pg.sql("INSERT INTO t SELECT generate_series(1001, 2000)", "SELECT pg_create_restore_point('before-change')",
                    "DELETE FROM t WHERE id > 1500");
            s.switchWalAndWaitArchived();
            s.ok("drill", "--report", s.base.resolve("drills").toString());

            Path config = s.base.resolve("daemon.yaml");
            Files.writeString(config, "refresh: 1h\n"); // one look, at start: the figures below cannot move under the test
            try (DaemonIT.DaemonProcess d = DaemonIT.DaemonProcess.start(s, "--no-stream", "--config", config.toString())) {
                d.awaitHealthy();
                Instant scraped = Instant.now();
                Map<String, Double> m = d.metrics();
                JsonNode status = Json.mapper().readTree(s.ok("status", "--json").out());
                JsonNode list = Json.mapper().readTree(s.ok("list", "--json").out());
                JsonNode last = list.get(list.size() - 1);

                assertThat(m.get("walden_repository_up")).isEqualTo(1.0);
                assertThat(m.get("walden_backups")).isEqualTo(status.get("backups").asDouble()).isEqualTo(list.size());
                assertThat(m.get("walden_backup_last_success_timestamp_seconds")).isCloseTo(epoch(last.get("stopTime")), within(0.001));
                assertThat(m.get("walden_backup_last_duration_seconds")).isCloseTo(
                        epoch(last.get("stopTime")) - epoch(last.get("startTime")), within(0.002));
                assertThat(m.get("walden_backup_last_size_bytes{size=\"stored\"}")).isEqualTo(last.get("storedSize").asDouble());
                assertThat(m.get("walden_backup_last_size_bytes{size=\"original\"}")).isEqualTo(last.get("originalSize").asDouble());
                JsonNode window = status.get("window");
                assertThat(m.get("walden_recoverable_window_start_timestamp_seconds")).isCloseTo(epoch(window.get("from")), within(0.001));
                assertThat(m.get("walden_recoverable_window_end_timestamp_seconds")).isCloseTo(epoch(window.get("to")), within(0.001));
                assertThat(m.get("walden_wal_last_archived_commit_timestamp_seconds"))
                        .isCloseTo(epoch(status.get("lastArchivedCommit")), within(0.001));
                double lagNow = Duration.between(Instant.parse(status.get("lastArchivedCommit").asText()), scraped).toMillis() / 1000.0;
                assertThat(m.get("walden_wal_archive_lag_seconds")).isCloseTo(lagNow, within(5.0));
                assertThat(m.get("walden_wal_gaps")).isZero();
                assertThat(m.get("walden_wal_archive_lag_bytes")).as("a quiet server, everything archived").isBetween(0.0, 16.0 * 1024 * 1024);
                assertThat(m.get("walden_drill_last_passed")).isEqualTo(1.0);

                // the JSON API mirrors status --json (but for the lag, which depends on the moment) and list --json
                JsonNode apiStatus = Json.mapper().readTree(body(d, "/api/status"));
                ((ObjectNode) apiStatus).remove("archiveLag");
                ((ObjectNode) status).remove("archiveLag");
                assertThat(apiStatus).isEqualTo(status);
                assertThat(Json.mapper().readTree(body(d, "/api/backups"))).isEqualTo(list);

                String dom = HeadlessChromium.dumpDom("http://127.0.0.1:" + d.port() + "/", s.base);
                assertThat(dom).contains("data-rendered=")
                        .contains("class=\"window\" data-from=\"" + window.get("from").asText() + "\" data-to=\"" + window.get("to").asText() + "\"")
                        .contains("class=\"backup\" data-id=\"" + backupId + "\"")
                        .contains("class=\"restore-point\" data-name=\"before-change\"")
                        .contains("class=\"drill\" data-outcome=\"passed\"")
                        .contains("Recoverable: ")
                        .contains("<div id=\"error\" style=\"display: none;\"></div>");
            }
        }
    }

    @Test
    void metricsPushPutsTheGroupToAPushgatewayAndSaysWhenItCannot() throws Exception {
        try (Scenario s = new Scenario("metrics-push")) {
            s.backup();
            AtomicReference<String> method = new AtomicReference<>();
            AtomicReference<String> path = new AtomicReference<>();
            AtomicReference<String> body = new AtomicReference<>();
            AtomicReference<Integer> answer = new AtomicReference<>(200);
            HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
            gateway.createContext("/", ex -> {
                method.set(ex.getRequestMethod());
                path.set(ex.getRequestURI().getRawPath());
                body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] reply = (answer.get() == 200 ? "" : "text format parsing error in line 3").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(answer.get(), reply.length == 0 ? -1 : reply.length);
                ex.getResponseBody().write(reply);
                ex.close();
            });
            gateway.start();
            try {
                String url = "http://127.0.0.1:" + gateway.getAddress().getPort();
                Cli.Result r = s.ok("metrics", "--push", url, "--instance", "db1");
                assertThat(r.out()).startsWith("pushed ").contains(url + "/metrics/job@base64/");
                assertThat(method.get()).isEqualTo("PUT");
                assertThat(path.get()).isEqualTo("/metrics/job@base64/d2FsZGVu/instance@base64/ZGIx"); // walden, db1
                Map<String, Double> pushed = PromText.byKey(PromText.parse(body.get()));
                JsonNode list = Json.mapper().readTree(s.ok("list", "--json").out());
                assertThat(pushed.get("walden_backup_last_success_timestamp_seconds"))
                        .isCloseTo(epoch(list.get(0).get("stopTime")), within(0.001));
                assertThat(pushed.get("walden_backups")).isEqualTo(1.0);
                assertThat(pushed).doesNotContainKey("walden_stream_up");

                Map<String, Double> printed = PromText.byKey(PromText.parse(s.ok("metrics").out()));
                assertThat(printed.keySet()).isEqualTo(pushed.keySet());
                pushed.forEach((key, value) -> {
                    if (!key.startsWith("walden_repository_last_look") && !key.startsWith("walden_wal_archive_lag_seconds")) {
                        assertThat(printed.get(key)).as(key).isEqualTo(value); // what is printed is what is pushed
                    }
                });

                answer.set(400);
                Cli.Result refused = s.cli.run("metrics", "--push", url);
                assertThat(refused.exit()).isEqualTo(1);
                assertThat(refused.err()).contains("the Pushgateway refused the metrics (HTTP 400): text format parsing error in line 3");
            } finally {
                gateway.stop(0);
            }
            int closed;
            try (ServerSocket socket = new ServerSocket(0)) {
                closed = socket.getLocalPort();
            }
            Cli.Result unreachable = s.cli.run("metrics", "--push", "http://127.0.0.1:" + closed);
            assertThat(unreachable.exit()).isEqualTo(1);
            assertThat(unreachable.err()).contains("the Pushgateway at 127.0.0.1:" + closed + " did not answer").contains("HINT");
            Cli.Result bad = s.cli.run("metrics", "--push", "pushgateway:9091");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("'pushgateway:9091' is not a Pushgateway address");
        }
    }

    private static String body(DaemonIT.DaemonProcess d, String path) throws Exception {
        String r = d.get(path);
        assertThat(r).startsWith("200 ");
        return r.substring(4);
    }

    private static double epoch(JsonNode instant) {
        Instant t = Instant.parse(instant.asText());
        return t.getEpochSecond() + t.getNano() / 1e9;
    }
}
