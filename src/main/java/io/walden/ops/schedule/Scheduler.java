package io.walden.ops.schedule;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Runs scheduled jobs one at a time, in the order they fell due. Jobs share a repository and its lock, so
 * running them side by side would only make one of them fail. A firing that passes while another job runs is
 * run late, not dropped; several that pass are merged into one run and counted. A failed try is retried after
 * the policy's delay; a firing whose every try failed is logged and counted, and the next firing still comes.
 */
public final class Scheduler {
    /** Waits until the clock reaches a time; returns false if the scheduler was stopped meanwhile. */
    public interface Waiter {
        boolean waitUntil(Instant time) throws InterruptedException;
    }

    private record Pending(Instant due, Schedule schedule, int attempt) {}

    private final List<Schedule> schedules;
    private final RetryPolicy retry;
    private final JobRunner runner;
    private final Clock clock;
    private final Waiter waiter;
    private final PrintStream log;
    private final Runnable afterRun;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(Comparator.comparing(Pending::due));
    private final Map<String, Tracker> trackers = new LinkedHashMap<>();

    /**
     * @param afterRun called after every try, e.g. to refresh what the daemon knows of the repository
     */
    public Scheduler(List<Schedule> schedules, RetryPolicy retry, JobRunner runner, Clock clock, Waiter waiter,
                     PrintStream log, Runnable afterRun) {
        this.schedules = List.copyOf(schedules);
        this.retry = retry;
        this.runner = runner;
        this.clock = clock;
        this.waiter = waiter;
        this.log = log;
        this.afterRun = afterRun;
        Instant now = clock.instant();
        for (Schedule s : this.schedules) {
            trackers.put(s.name(), new Tracker(s));
            enqueueNextFiring(s, now);
        }
    }

    /** Runs due jobs until the waiter reports a stop. */
    public void run() throws InterruptedException {
        runUntil(Instant.MAX);
    }

    /** Runs every job due up to {@code end}, then returns (also when stopped earlier). */
    public void runUntil(Instant end) throws InterruptedException {
        while (true) {
            Pending next;
            synchronized (this) {
                next = queue.peek();
            }
            if (next == null || next.due().isAfter(end)) {
                return;
            }
            if (!waiter.waitUntil(next.due())) {
                return;
            }
            synchronized (this) {
                queue.remove(next);
            }
            runOne(next);
        }
    }

    private void runOne(Pending p) throws InterruptedException {
        Schedule s = p.schedule();
        Tracker t = trackers.get(s.name());
        Instant start = clock.instant();
        if (p.attempt() == 1) {
            // the next firing counts from now: firings that passed while other jobs ran are merged into this run
            int missed = s.when().firingsBetween(p.due(), start);
            if (missed > 0) {
                t.missed(missed);
                log.println("walden daemon: " + s.name() + ": " + missed + " later firing(s) passed while it waited;"
                        + " they run as this one run");
            }
            enqueueNextFiring(s, start);
        }
        Duration late = Duration.between(p.due(), start);
        log.println("walden daemon: " + s.name() + ": running walden " + String.join(" ", s.commandLine())
                + (p.attempt() > 1 ? " (attempt " + p.attempt() + " of " + retry.attempts() + ")" : "")
                + (late.toSeconds() >= 60 ? " (" + late.toMinutes() + " min late: another job was running)" : ""));
        t.started(start);
        JobRunner.Outcome outcome;
        try {
            outcome = runner.run(s, p.attempt());
        } catch (RuntimeException e) {
            outcome = new JobRunner.Outcome(-1, "could not run: " + e.getMessage(), Duration.between(start, clock.instant()));
        }
        Instant end = clock.instant();
        if (outcome.succeeded()) {
            t.succeeded(end, outcome);
            log.println("walden daemon: " + s.name() + ": succeeded in " + seconds(outcome.took()));
        } else if (p.attempt() < retry.attempts()) {
            Instant again = end.plus(retry.delay());
            t.retrying(end, outcome, again);
            log.println("walden daemon: " + s.name() + ": failed (exit " + outcome.exitCode() + "): " + outcome.summary()
                    + "; trying again at " + again + " (attempt " + (p.attempt() + 1) + " of " + retry.attempts() + ")");
            synchronized (this) {
                queue.add(new Pending(again, s, p.attempt() + 1));
            }
        } else {
            t.gaveUp(end, outcome);
            log.println("walden daemon: " + s.name() + ": FAILED after " + retry.attempts() + " attempt(s) (exit "
                    + outcome.exitCode() + "): " + outcome.summary() + "; next run "
                    + t.status(nextFiring(s)).nextRun());
        }
        afterRun.run();
    }

    private void enqueueNextFiring(Schedule s, Instant after) {
        Optional<Instant> next = s.when().nextAfter(after);
        synchronized (this) {
            next.ifPresent(at -> queue.add(new Pending(at, s, 1)));
        }
    }

    private synchronized Instant nextFiring(Schedule s) {
        return queue.stream().filter(p -> p.schedule() == s).map(Pending::due).min(Comparator.naturalOrder()).orElse(null);
    }

    /** Every schedule as it stands now, in the order of the config. */
    public List<JobStatus> status() {
        List<JobStatus> out = new ArrayList<>();
        for (Schedule s : schedules) {
            out.add(trackers.get(s.name()).status(nextFiring(s)));
        }
        return out;
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** One schedule's history; written by the scheduler's thread, read by HTTP handlers. */
    private static final class Tracker {
        private final Schedule schedule;
        private String state = "idle";
        private Instant lastStart;
        private Instant lastEnd;
        private String lastResult;
        private String lastSummary;
        private Double lastDuration;
        private Instant lastSuccess;
        private long runs;
        private long failedRuns;
        private long failedTries;
        private long missed;

        Tracker(Schedule schedule) {
            this.schedule = schedule;
        }

        synchronized void missed(int n) {
            missed += n;
        }

        synchronized void started(Instant at) {
            state = "running";
            lastStart = at;
        }

        synchronized void succeeded(Instant at, JobRunner.Outcome o) {
            ended(at, o, "succeeded");
            lastSuccess = at;
        }

        synchronized void retrying(Instant at, JobRunner.Outcome o, Instant again) {
            failedTries++;
            lastEnd = at;
            lastSummary = o.summary();
            lastDuration = o.took().toMillis() / 1000.0;
            state = "retrying";
        }

        synchronized void gaveUp(Instant at, JobRunner.Outcome o) {
            failedTries++;
            failedRuns++;
            ended(at, o, "failed");
        }

        private void ended(Instant at, JobRunner.Outcome o, String result) {
            runs++;
            lastEnd = at;
            lastResult = result;
            lastSummary = o.summary();
            lastDuration = o.took().toMillis() / 1000.0;
            state = "idle";
        }

        synchronized JobStatus status(Instant next) {
            return new JobStatus(schedule.name(), schedule.job().label(), schedule.when().toString(), schedule.commandLine(),
                    state, next, lastStart, lastEnd, lastResult, lastSummary, lastDuration, lastSuccess, runs, failedRuns,
                    failedTries, missed);
        }
    }
}
