package io.walden.ops.schedule;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler on a clock that jumps: days of firings run in milliseconds. */
class SchedulerTest {
    private static final Instant START = Instant.parse("2026-03-02T00:00:30Z"); // a Monday

    private final ManualClock clock = new ManualClock(START);
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    /** Records each try's start time; answers with the exit codes queued for its schedule (0 once they run out). */
    private final class Runner implements JobRunner {
        record Call(String schedule, Instant at, int attempt) {}

        final List<Call> calls = new ArrayList<>();
        final Deque<Integer> exits = new ArrayDeque<>();
        Duration takes = Duration.ofMinutes(1);

        @Override
        public Outcome run(Schedule s, int attempt) {
            calls.add(new Call(s.name(), clock.instant(), attempt));
            clock.advance(takes);
            int exit = exits.isEmpty() ? 0 : exits.poll();
            return new Outcome(exit, exit == 0 ? "ok" : "the repository is locked", takes);
        }
    }

    private static Schedule schedule(String name, Job job, String cron) {
        return new Schedule(name, job, CronSchedule.parse(cron, ZoneOffset.UTC), List.of());
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void firesAtEveryCronTimeOverAWeek() throws Exception {
        Runner runner = new Runner();
        AtomicInteger refreshed = new AtomicInteger();
        Scheduler s = new Scheduler(List.of(schedule("nightly", Job.BACKUP, "0 2 * * *"), schedule("weekly-verify", Job.VERIFY, "0 5 * * 0")),
                RetryPolicy.DEFAULT, runner, clock, clock, log, refreshed::incrementAndGet);
        s.runUntil(START.plus(Duration.ofDays(7)));

        assertThat(runner.calls).filteredOn(c -> c.schedule().equals("nightly")).extracting(Runner.Call::at)
                .containsExactly(Instant.parse("2026-03-02T02:00:00Z"), Instant.parse("2026-03-03T02:00:00Z"),
                        Instant.parse("2026-03-04T02:00:00Z"), Instant.parse("2026-03-05T02:00:00Z"),
                        Instant.parse("2026-03-06T02:00:00Z"), Instant.parse("2026-03-07T02:00:00Z"),
                        Instant.parse("2026-03-08T02:00:00Z"));
        assertThat(runner.calls).filteredOn(c -> c.schedule().equals("weekly-verify")).extracting(Runner.Call::at)
                .containsExactly(Instant.parse("2026-03-08T05:00:00Z"));
        assertThat(refreshed).hasValue(8);
        JobStatus nightly = s.status().get(0);
        assertThat(nightly.runs()).isEqualTo(7);
        assertThat(nightly.lastResult()).isEqualTo("succeeded");
        assertThat(nightly.lastSuccess()).isEqualTo(Instant.parse("2026-03-08T02:01:00Z"));
        assertThat(nightly.nextRun()).isEqualTo(Instant.parse("2026-03-09T02:00:00Z"));
        assertThat(nightly.command()).containsExactly("backup");
    }

    @Test
    void aFailedRunIsRetriedAfterTheDelayThenSucceeds() throws Exception {
        Runner runner = new Runner();
        runner.exits.addAll(List.of(1, 1));
        Scheduler s = new Scheduler(List.of(schedule("nightly", Job.BACKUP, "0 2 * * *")), new RetryPolicy(3, Duration.ofMinutes(5)),
                runner, clock, clock, log, () -> { });
        s.runUntil(Instant.parse("2026-03-02T03:00:00Z"));

        assertThat(runner.calls).extracting(Runner.Call::at).containsExactly(Instant.parse("2026-03-02T02:00:00Z"),
                Instant.parse("2026-03-02T02:06:00Z"), Instant.parse("2026-03-02T02:12:00Z"));
        assertThat(runner.calls).extracting(Runner.Call::attempt).containsExactly(1, 2, 3);
        JobStatus j = s.status().get(0);
        assertThat(j.lastResult()).isEqualTo("succeeded");
        assertThat(j.runs()).isEqualTo(1);
        assertThat(j.failedTries()).isEqualTo(2);
        assertThat(j.failedRuns()).isZero();
        assertThat(log()).contains("nightly: failed (exit 1): the repository is locked; trying again at 2026-03-02T02:06:00Z (attempt 2 of 3)");
    }

    @Test
    void aRunWhoseEveryAttemptFailsIsReportedAndTheNextFiringStillComes() throws Exception {
        Runner runner = new Runner();
        runner.exits.addAll(List.of(3, 3));
        Scheduler s = new Scheduler(List.of(schedule("nightly", Job.BACKUP, "0 2 * * *")), new RetryPolicy(2, Duration.ofMinutes(10)),
                runner, clock, clock, log, () -> { });
        s.runUntil(Instant.parse("2026-03-03T03:00:00Z"));

        assertThat(runner.calls).extracting(Runner.Call::at).containsExactly(Instant.parse("2026-03-02T02:00:00Z"),
                Instant.parse("2026-03-02T02:11:00Z"), Instant.parse("2026-03-03T02:00:00Z"));
        JobStatus j = s.status().get(0);
        assertThat(j.runs()).isEqualTo(2);
        assertThat(j.failedRuns()).isEqualTo(1);
        assertThat(j.failedTries()).isEqualTo(2);
        assertThat(j.lastResult()).isEqualTo("succeeded");
        assertThat(log()).contains("nightly: FAILED after 2 attempt(s) (exit 3): the repository is locked; next run 2026-03-03T02:00:00Z");
    }

    @Test
    void aFiringThatPassesWhileAnotherJobRunsRunsLateNotNever() throws Exception {
        Runner runner = new Runner();
        runner.takes = Duration.ofMinutes(150);
        Scheduler s = new Scheduler(List.of(schedule("backup", Job.BACKUP, "0 2 * * *"), schedule("verify", Job.VERIFY, "0 3 * * *"),
                schedule("hourly", Job.RETENTION, "30 * * * *")), RetryPolicy.DEFAULT, runner, clock, clock, log, () -> { });
        s.runUntil(Instant.parse("2026-03-02T04:00:00Z"));

        // hourly's 00:30 run lasts until 03:00: its 01:30 firing runs then, with 02:30 merged into it; the backup due
        // at 02:00 and the verify due at 03:00 follow in the order they fell due
        assertThat(runner.calls).extracting(Runner.Call::schedule).startsWith("hourly", "hourly", "backup", "verify");
        assertThat(runner.calls).extracting(Runner.Call::at).startsWith(Instant.parse("2026-03-02T00:30:00Z"),
                Instant.parse("2026-03-02T03:00:00Z"), Instant.parse("2026-03-02T05:30:00Z"), Instant.parse("2026-03-02T08:00:00Z"));
        JobStatus hourly = s.status().get(2);
        assertThat(hourly.missedFirings()).isGreaterThanOrEqualTo(1);
        assertThat(log()).contains("hourly: ").contains("later firing(s) passed while it waited; they run as this one run")
                .contains("min late: another job was running");
    }

    @Test
    void aRunnerThatThrowsIsAFailedTryNotADeadScheduler() throws Exception {
        JobRunner broken = (sch, attempt) -> {
            clock.advance(Duration.ofSeconds(1));
            throw new IllegalStateException("no such program");
        };
        Scheduler s = new Scheduler(List.of(schedule("nightly", Job.BACKUP, "0 2 * * *")), new RetryPolicy(1, Duration.ofMinutes(1)),
                broken, clock, clock, log, () -> { });
        s.runUntil(Instant.parse("2026-03-03T03:00:00Z"));
        JobStatus j = s.status().get(0);
        assertThat(j.runs()).isEqualTo(2);
        assertThat(j.failedRuns()).isEqualTo(2);
        assertThat(j.lastSummary()).isEqualTo("could not run: no such program");
    }

    @Test
    void retentionRunsConfirmedAndKeepsTheGivenRule() {
        Schedule retention = new Schedule("r", Job.RETENTION, CronSchedule.parse("@daily", ZoneOffset.UTC), List.of("--retain-full", "2"));
        assertThat(retention.commandLine()).containsExactly("delete", "--retain-full", "2", "--confirm");
        Schedule already = new Schedule("r", Job.RETENTION, CronSchedule.parse("@daily", ZoneOffset.UTC), List.of("--confirm", "--older-than", "30d"));
        assertThat(already.commandLine()).containsExactly("delete", "--confirm", "--older-than", "30d");
    }
}
