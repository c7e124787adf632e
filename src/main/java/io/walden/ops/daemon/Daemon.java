package io.walden.ops.daemon;

import io.walden.ops.schedule.ClockWaiter;
import io.walden.ops.schedule.ProcessJobRunner;
import io.walden.ops.schedule.Scheduler;
import io.walden.repo.Repository;
import io.walden.wal.stream.ReplicationSource;
import io.walden.wal.stream.WalStreamer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One database's long-running companion: streams WAL into the repository, runs the scheduled jobs, looks at the
 * repository every so often and serves what it knows over HTTP, until the process is asked to stop (SIGTERM,
 * Ctrl-C). On the way out the WAL received is stored first and a running job is asked to stop.
 */
public final class Daemon {
    private final DaemonConfig config;
    private final ReplicationSource source;
    private final Repository repository;
    private final Path staging;
    private final java.net.InetSocketAddress http;
    private final DaemonState state;
    private final ProcessJobRunner runner;
    private final PrintStream log;

    /**
     * @param source null when the config turns streaming off
     * @param state  its stream stats are null exactly when {@code source} is
     */
    public Daemon(DaemonConfig config, ReplicationSource source, Repository repository, Path staging,
                  java.net.InetSocketAddress http, DaemonState state, ProcessJobRunner runner, PrintStream log) {
        this.config = config;
        this.source = source;
        this.repository = repository;
        this.staging = staging;
        this.http = http;
        this.state = state;
        this.runner = runner;
        this.log = log;
    }

    public void run() throws IOException, InterruptedException {
        WalStreamer streamer = source == null ? null : new WalStreamer(source, repository, staging, state.stream(), log);
        ClockWaiter waiter = new ClockWaiter(Clock.systemUTC());
        Scheduler scheduler = config.schedules().isEmpty() ? null
                : new Scheduler(config.schedules(), config.retry(), runner, Clock.systemUTC(), waiter, log, state::refresh);
        state.scheduler(scheduler);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            if (streamer != null) {
                streamer.stop();
            }
            waiter.stop();
            runner.stop();
            try {
                done.await(); // the JVM exits when hooks return: wait until the received WAL is stored
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "walden-daemon-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walden-repository-look");
            t.setDaemon(true);
            return t;
        });
        Thread jobs = null;
        try (DaemonHttp server = DaemonHttp.start(http, state)) {
            String at = "http://" + server.address().getHostString() + ":" + server.address().getPort();
            log.println("walden daemon: status page " + at + "/, metrics " + at + "/metrics");
            looks.scheduleWithFixedDelay(this::look, 0, config.refresh().toMillis(), TimeUnit.MILLISECONDS);
            if (scheduler != null) {
                state.jobs().forEach(j -> log.println("walden daemon: schedule " + j.name() + " (" + j.cron() + "): walden "
                        + String.join(" ", j.command()) + ", next " + j.nextRun()));
                jobs = Thread.ofPlatform().name("walden-scheduler").start(() -> {
                    try {
                        scheduler.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            if (streamer != null) {
                streamer.run();
            } else {
                log.println("walden daemon: WAL streaming is off; archive_command keeps archiving");
                stop.await();
            }
            waiter.stop();
            if (jobs != null) {
                jobs.join();
            }
        } finally {
            looks.shutdownNow();
            // said before done: once the shutdown hook sees done it returns, and the JVM may exit mid-sentence
            log.println("walden daemon: stopped" + (streamer == null ? "" : " at " + state.stream().flushedLsn()));
            done.countDown();
        }
    }

    private void look() {
        var s = state.refresh();
        if (!s.readable()) {
            log.println("walden daemon: cannot read the repository: " + s.error());
        }
    }
}
