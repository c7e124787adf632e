package io.walden.storage.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on a loopback port in front of an S3 server that misbehaves on request: it answers the next
 * N matching requests with an S3 error of its own (503 SlowDown, ...), cuts their connection after some bytes
 * of the request or of the response, or holds them back for a while. Every request gets its own connection (the proxy asks both
 * sides for {@code Connection: close}), so "the next N requests" means exactly that.
 */
final class FaultProxy implements AutoCloseable {
    static final Predicate<String> ANY = head -> true;

    private enum Kind { ANSWER, CUT_REQUEST, CUT_RESPONSE, DELAY }

    /**
     * One instruction: do {@code kind} to the next {@code remaining} requests whose head (request line and
     * headers) matches. {@code amount} is bytes or milliseconds; {@code status} and {@code code} the answer.
     */
    private record Rule(Kind kind, AtomicInteger remaining, Predicate<String> matches, long amount, int status, String code) {
        Rule(Kind kind, int times, Predicate<String> matches, long amount) {
            this(kind, new AtomicInteger(times), matches, amount, 0, null);
        }

        boolean take(String head) {
            if (!matches.test(head)) {
                return false;
            }
            int left;
            do {
                left = remaining.get();
                if (left <= 0) {
                    return false;
                }
            } while (!remaining.compareAndSet(left, left - 1));
            return true;
        }
    }


    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> watched = head -> false;
    private final AtomicInteger watchedNow = new AtomicInteger();
    private final AtomicInteger watchedPeak = new AtomicInteger();

    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests with this method. */
    static Predicate<String> method(String method) {
        return head -> head.startsWith(method + " ");
    }

    /** Requests whose request line (method, path and query) contains {@code text}. */
    static Predicate<String> containing(String text) {
        return head -> head.substring(0, head.indexOf("\r\n")).contains(text);
    }

    /** Requests that carry the header {@code name}. */
    static Predicate<String> withHeader(String name) {
        return head -> header(head, name) != null;
    }

    /** Answers the next {@code times} matching requests with 503 SlowDown. */
    void slowDown(int times, Predicate<String> requests) {
        answer(times, 503, "SlowDown", requests);
    }

    /** Answers the next {@code times} matching requests with an S3 error, without passing them on. */
    void answer(int times, int status, String code, Predicate<String> requests) {
        rules.add(new Rule(Kind.ANSWER, new AtomicInteger(times), requests, 0, status, code));
    }

    /** Forwards only the first {@code bytes} of the next {@code times} matching requests, then hangs up. */
    void cutRequest(int times, int bytes, Predicate<String> requests) {
        rules.add(new Rule(Kind.CUT_REQUEST, times, requests, bytes));
    }

    /** Forwards only the first {@code bytes} of the responses to the next matching requests, then hangs up. */
    void cutResponse(int times, int bytes, Predicate<String> requests) {
        rules.add(new Rule(Kind.CUT_RESPONSE, times, requests, bytes));
    }

    /** Holds the next {@code times} matching requests back for {@code delay} before forwarding them. */
    void delay(int times, Duration delay, Predicate<String> requests) {
        rules.add(new Rule(Kind.DELAY, times, requests, delay.toMillis()));
    }

    /** Forgets every instruction not yet carried out. */
    void clear() {
        rules.clear();
    }

    /** How many requests came in. */
    int requests() {
        return requests.get();
    }

    /** Counts, from now on, how many matching requests are in progress at once; see {@link #peakConcurrency}. */
    void watch(Predicate<String> requests) {
        watchedPeak.set(0);
        watched = requests;
    }

    /** The most watched requests that were in progress at the same time. */
    int peakConcurrency() {
        return watchedPeak.get();
    }

    /** The request line and headers of every request so far. */
    List<String> requestHeads() {
        return List.copyOf(heads);
    }

    /** How many requests were tampered with. */
    int faults() {
        return faults.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                pool.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private Rule ruleFor(String head) {
        for (Rule rule : rules) {
            if (rule.take(head)) {
                faults.incrementAndGet();
                return rule;
            }
        }
        return null;
    }

    private void serve(Socket client) {
        try (client) {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            String head = readHead(fromClient);
            if (head == null) {
                return;
            }
            requests.incrementAndGet();
            heads.add(head);
            if (watched.test(head)) {
                watchedPeak.accumulateAndGet(watchedNow.incrementAndGet(), Math::max);
                try {
                    forward(client, fromClient, head);
                } finally {
                    watchedNow.decrementAndGet();
                }
            } else {
                forward(client, fromClient, head);
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server hung up, or the proxy is closing
        } finally {
            sockets.remove(client);
        }
    }

    private void forward(Socket client, InputStream fromClient, String head) throws IOException, InterruptedException {
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        Rule rule = ruleFor(head);
        Kind kind = rule == null ? null : rule.kind();
        if (kind == Kind.ANSWER) {
            answer(client, fromClient, head, requestLine, rule.status(), rule.code());
            return;
        }
        if (kind == Kind.DELAY) {
            Thread.sleep(rule.amount());
        }
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            sockets.add(upstream);
            upstream.getOutputStream().write(closeAfterThis(head).getBytes(StandardCharsets.ISO_8859_1));
            long requestLimit = kind == Kind.CUT_REQUEST ? rule.amount() : Long.MAX_VALUE;
            long responseLimit = kind == Kind.CUT_RESPONSE ? rule.amount() : Long.MAX_VALUE;
            pool.execute(() -> {
                pump(fromClient, upstream, requestLimit);
                if (requestLimit != Long.MAX_VALUE) {
                    hangUp(client, upstream);
                }
            });
            pump(upstream.getInputStream(), client, responseLimit);
        } finally {
            sockets.removeIf(Socket::isClosed);
        }
    }

    private void pump(InputStream in, Socket to, long limit) {
        byte[] buf = new byte[64 * 1024];
        long copied = 0;
        try {
            OutputStream out = to.getOutputStream();
            while (copied < limit) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, limit - copied));
                if (n < 0) {
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                copied += n;
            }
        } catch (IOException e) {
            // the other side is gone
        }
    }

    private void hangUp(Socket... both) {
        for (Socket s : both) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The request head with {@code Connection: close}, so the server hangs up after answering it. */
    private static String closeAfterThis(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static void answer(Socket client, InputStream fromClient, String head, String requestLine,
                               int status, String code) throws IOException {
        // Read the body first (unless the client waits for "100 Continue" before sending it), so the client
        // is not writing into a closed socket when the answer comes.
        String length = header(head, "Content-Length");
        if (length != null && !"100-continue".equalsIgnoreCase(header(head, "Expect"))) {
            fromClient.skipNBytes(Long.parseLong(length));
        }
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code>"
                + "<Message>" + code + " (from the fault proxy)</Message><RequestId>FAULTPROXY</RequestId></Error>";
        byte[] body = requestLine.startsWith("HEAD ") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 " + status + " " + code + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "x-amz-request-id: FAULTPROXY\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        pool.shutdownNow();
    }
}
