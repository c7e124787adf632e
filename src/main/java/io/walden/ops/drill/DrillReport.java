package io.walden.ops.drill;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a drill did and found: the report's content, rendered as Markdown, JSON and HTML.
 *
 * @param walFrom        the backup's first WAL segment and start LSN
 * @param walTo          the last WAL location replayed, and its segment, or null when the server did not start
 * @param recoveredTo    the point restored to: the target time, else the last replayed commit
 * @param lastArchived   the last commit archived in the repository on the restored lineage
 * @param rpoSeconds     committed work the restore did not bring back: {@code lastArchived - recoveredTo}
 * @param rtoSeconds     from the drill's start to the scratch server accepting connections
 * @param kept           where the scratch instance still runs (--keep), or null when it was removed
 */
public record DrillReport(String id, String repository, Instant started, Instant finished, String target, String backup,
                          Instant backupEnd, String walFrom, String walTo, Instant recoveredTo, Instant lastArchived,
                          Double rpoSeconds, Double rtoSeconds, List<Phase> phases, List<CheckResult> checks, Kept kept) {

    public DrillReport {
        phases = List.copyOf(phases);
        checks = List.copyOf(checks);
    }

    public record Phase(String name, Instant start, Instant end) {
        @JsonIgnore
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    /** A scratch instance left running with --keep, and how to remove it. */
    public record Kept(String connection, String dir, String stopCommand) {}

    @JsonProperty("passed")
    public boolean passed() {
        return checks.stream().noneMatch(CheckResult::failed);
    }

    @JsonProperty("failed")
    public List<String> failedNames() {
        return failedChecks().stream().map(CheckResult::name).toList();
    }

    @JsonIgnore
    public List<CheckResult> failedChecks() {
        return checks.stream().filter(CheckResult::failed).toList();
    }
}
