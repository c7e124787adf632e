package io.walden.ops.schedule;

import java.time.Duration;

/** Runs one try of a scheduled job to its end. */
public interface JobRunner {

    /**
     * @param exitCode the command's exit code (0: success)
     * @param summary  the command's last line of output, or why it could not run: what the operator sees first
     */
    record Outcome(int exitCode, String summary, Duration took) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    Outcome run(Schedule schedule, int attempt) throws InterruptedException;
}
