package io.walden.ops.schedule;

import java.util.List;

/**
 * One line of the daemon's schedule: run {@code job} with {@code args} whenever {@code when} fires.
 *
 * @param name unique among the schedules; names the runs in logs, metrics and the status page
 */
public record Schedule(String name, Job job, CronSchedule when, List<String> args) {
    public Schedule {
        args = List.copyOf(args);
    }

    /** The full walden command line after the global options, e.g. [delete, --retain-full, 2, --confirm]. */
    public List<String> commandLine() {
        return job.arguments(args);
    }
}
