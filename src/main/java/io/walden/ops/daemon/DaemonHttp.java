package io.walden.ops.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.walden.error.UsageException;
import io.walden.wal.stream.StreamStats;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** /metrics (Prometheus text) and /health, served by the JDK's HTTP server on one thread. */
public final class DaemonHttp implements AutoCloseable {
    /** Streaming with nothing made durable for this long is unhealthy. */
    static final Duration STALE = Duration.ofSeconds(30);

    private final HttpServer server;
    private final StreamStats stats;
    private final Clock clock;

    private DaemonHttp(HttpServer server, StreamStats stats, Clock clock) {
        this.server = server;
        this.stats = stats;
        this.clock = clock;
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

    public static DaemonHttp start(InetSocketAddress address, StreamStats stats) throws IOException {
        HttpServer server = HttpServer.create(address, 8);
        DaemonHttp http = new DaemonHttp(server, stats, Clock.systemUTC());
        server.createContext("/metrics", ex -> http.answer(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                PrometheusText.render(stats)));
        server.createContext("/health", http::health);
        server.start();
        return http;
    }

    /** The address actually bound (port 0 picks a free one). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void health(HttpExchange ex) throws IOException {
        String problem = problem(stats, clock.instant());
        answer(ex, problem == null ? 200 : 503, "text/plain; charset=utf-8", problem == null ? "ok\n" : problem + "\n");
    }

    /** Why the daemon is unhealthy, or null: not streaming, or received WAL not made durable for too long. */
    static String problem(StreamStats s, Instant now) {
        if (!s.streaming()) {
            return "not streaming" + (s.lastError().isEmpty() ? "" : ": " + s.lastError());
        }
        Instant last = s.lastFlush();
        if (s.receivedLsn().isAfter(s.flushedLsn()) && last != null && Duration.between(last, now).compareTo(STALE) > 0) {
            return "received WAL not stored for " + Duration.between(last, now).toSeconds() + " s";
        }
        return null;
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
