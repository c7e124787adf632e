package io.walden.ops.daemon;

import io.walden.ops.metrics.RepositoryObserver;
import io.walden.ops.metrics.RepositorySnapshot;
import io.walden.ops.schedule.JobStatus;
import io.walden.ops.schedule.Scheduler;
import io.walden.wal.stream.StreamStats;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the daemon's HTTP answers come from: the streamer's counters (null when streaming is off), the
 * scheduler (null without schedules), and the latest look at the repository, refreshed on a timer and after
 * every job. Scrapes read the last look and never touch the repository themselves.
 */
public final class DaemonState {
    private final StreamStats stream;
    private final RepositoryObserver observer;
    private final Clock clock;
    private final AtomicReference<RepositorySnapshot> snapshot = new AtomicReference<>();
    private volatile Scheduler scheduler;

    public DaemonState(StreamStats stream, RepositoryObserver observer, Clock clock) {
        this.stream = stream;
        this.observer = observer;
        this.clock = clock;
    }

    void scheduler(Scheduler s) {
        scheduler = s;
    }

    /** Looks at the repository again. */
    public RepositorySnapshot refresh() {
        RepositorySnapshot s = observer.observe(clock.instant());
        snapshot.set(s);
        return s;
    }

    public RepositorySnapshot snapshot() {
        RepositorySnapshot s = snapshot.get();
        return s != null ? s : refresh();
    }

    long summaryReads() {
        return observer.summaryReads();
    }

    /** Null when the daemon does not stream. */
    public StreamStats stream() {
        return stream;
    }

    public List<JobStatus> jobs() {
        Scheduler s = scheduler;
        return s == null ? List.of() : s.status();
    }

    Clock clock() {
        return clock;
    }
}
