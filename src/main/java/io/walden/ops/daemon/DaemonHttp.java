package io.walden.ops.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.ops.metrics.RepositorySnapshot;
import io.walden.repo.Json;
import io.walden.wal.stream.StreamStats;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The daemon's HTTP side, on the JDK's HTTP server: /metrics (Prometheus text), /health, the JSON API
 * (/api/status and /api/backups as 'walden status --json' and 'walden list --json' print them, /api/jobs,
 * /api/stream, /api/overview) and the status page at /.
 */
public final class DaemonHttp implements AutoCloseable {
    /** Streaming with nothing made durable for this long is unhealthy. */
    static final Duration STALE = Duration.ofSeconds(30);

    private final HttpServer server;
    private final DaemonState state;

    private DaemonHttp(HttpServer server, DaemonState state) {
        this.server = server;
        this.state = state;
    }

    /** Parses "HOST:PORT" ("127.0.0.1:9187", "[::1]:9187"). */
    public static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UsageException("'" + text + "' is not an address", "write HOST:PORT, e.g. 127.0.0.1:9187");
        }
        String host = text.substring(0, colon).replaceAll("^\\[|]$", "");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("'" + text + "' has no valid port", "write HOST:PORT, e.g. 127.0.0.1:9187");
        }
        return new InetSocketAddress(host, port);
    }

    public static DaemonHttp start(InetSocketAddress address, DaemonState state) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new WaldenException("cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), "another program (another daemon?) holds it; pick a free address with --http or 'http:' in the config");
        }
        DaemonHttp http = new DaemonHttp(server, state);
        server.createContext("/metrics", ex -> http.answer(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                PrometheusText.render(state)));
        server.createContext("/health", http::health);
        server.createContext("/api/status", ex -> http.repositoryJson(ex, RepositorySnapshot::status));
        server.createContext("/api/backups", ex -> http.repositoryJson(ex, RepositorySnapshot::backups));
        server.createContext("/api/jobs", ex -> http.json(ex, 200, state.jobs()));
        server.createContext("/api/stream", ex -> http.json(ex, state.stream() == null ? 404 : 200,
                state.stream() == null ? Map.of("error", "this daemon does not stream WAL") : StreamView.of(state.stream())));
        server.createContext("/api/overview", ex -> http.json(ex, 200, overview(state)));
        server.createContext("/", http::page);
        server.start();
        return http;
    }

    /** The address actually bound (port 0 picks a free one). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void health(HttpExchange ex) throws IOException {
        String problem = problem(state.stream(), state.snapshot(), state.clock().instant());
        answer(ex, problem == null ? 200 : 503, "text/plain; charset=utf-8", problem == null ? "ok\n" : problem + "\n");
    }

    /**
     * Why the daemon is unhealthy, or null: not streaming, received WAL not made durable for too long, or the
     * repository unreadable at the last look.
     */
    static String problem(StreamStats s, RepositorySnapshot snapshot, Instant now) {
        if (s != null && !s.streaming()) {
            return "not streaming" + (s.lastError().isEmpty() ? "" : ": " + s.lastError());
        }
        if (s != null) {
            Instant last = s.lastFlush();
            if (s.receivedLsn().isAfter(s.flushedLsn()) && last != null && Duration.between(last, now).compareTo(STALE) > 0) {
                return "received WAL not stored for " + Duration.between(last, now).toSeconds() + " s";
            }
        }
        if (snapshot != null && !snapshot.readable()) {
            return "repository unreadable: " + snapshot.error();
        }
        return null;
    }

    /** The repository's part of an answer, or 503 with the reason when the last look could not read it. */
    private void repositoryJson(HttpExchange ex, Function<RepositorySnapshot, Object> part) throws IOException {
        RepositorySnapshot s = state.snapshot();
        if (!s.readable()) {
            json(ex, 503, Map.of("error", s.error()));
        } else if (s.status() == null) {
            json(ex, 404, Map.of("error", "the repository does not exist yet: nothing has been backed up or archived"));
        } else {
            json(ex, 200, part.apply(s));
        }
    }

    /** One answer with everything the status page draws, so that it is drawn from one moment. */
    static Map<String, Object> overview(DaemonState state) {
        RepositorySnapshot s = state.snapshot();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("now", state.clock().instant());
        o.put("taken", s.taken());
        o.put("error", s.error());
        o.put("status", s.status());
        o.put("backups", s.backups());
        o.put("lastDrill", s.lastDrill());
        o.put("stream", state.stream() == null ? null : StreamView.of(state.stream()));
        o.put("jobs", state.jobs());
        return o;
    }

    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            answer(ex, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
            return;
        }
        answer(ex, 200, "text/html; charset=utf-8", StatusPage.html());
    }

    private void json(HttpExchange ex, int status, Object body) throws IOException {
        answer(ex, status, "application/json", Json.mapper().writeValueAsString(body) + "\n");
    }

    private void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
