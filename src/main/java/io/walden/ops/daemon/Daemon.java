package io.walden.ops.daemon;

import io.walden.repo.Repository;
import io.walden.wal.stream.ReplicationSource;
import io.walden.wal.stream.StreamStats;
import io.walden.wal.stream.WalStreamer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One database's long-running companion: streams WAL into the repository and serves metrics until the
 * process is asked to stop (SIGTERM, Ctrl-C); on the way out the WAL received is stored first.
 */
public final class Daemon {
    private final ReplicationSource source;
    private final Repository repository;
    private final Path staging;
    private final InetSocketAddress http;
    private final PrintStream log;

    public Daemon(ReplicationSource source, Repository repository, Path staging, InetSocketAddress http, PrintStream log) {
        this.source = source;
        this.repository = repository;
        this.staging = staging;
        this.http = http;
        this.log = log;
    }

    public void run() throws IOException, InterruptedException {
        StreamStats stats = new StreamStats();
        WalStreamer streamer = new WalStreamer(source, repository, staging, stats, log);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            streamer.stop();
            try {
                done.await(); // the JVM exits when hooks return: wait until the received WAL is stored
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "walden-daemon-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (DaemonHttp server = DaemonHttp.start(http, stats)) {
            log.println("walden daemon: metrics on http://" + server.address().getHostString() + ":" + server.address().getPort()
                    + "/metrics");
            streamer.run();
        } finally {
            done.countDown();
        }
        log.println("walden daemon: stopped at " + stats.flushedLsn());
    }
}
