package io.walden.ops.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A schedule as it stands, for /api/jobs, the metrics and the status page.
 *
 * @param state         idle, running, or retrying (a failed try waits for its next attempt)
 * @param lastResult    succeeded or failed (after every attempt), null before the first run ends
 * @param runs          firings that ran to an end, successful or not
 * @param failedRuns    firings given up after every attempt failed
 * @param failedTries   tries that failed, retried ones included
 * @param missedFirings firings merged into a later run because a job was still running (or the daemon was not)
 */
public record JobStatus(String name, String job, String cron, List<String> command, String state, Instant nextRun,
                        Instant lastStart, Instant lastEnd, String lastResult, String lastSummary, Double lastDurationSeconds,
                        Instant lastSuccess, long runs, long failedRuns, long failedTries, long missedFirings) {
}
