package io.walden.ops.drill;

import java.util.List;

/**
 * The outcome of one drill check.
 *
 * @param summary one line: what was found
 * @param details the evidence, one line each (row counts, orphans found, the actual value)
 */
public record CheckResult(String name, Status status, String summary, List<String> details) {
    /** WARN is reported and does not fail the drill; SKIPPED means an earlier failure made the check impossible. */
    public enum Status { PASS, WARN, FAIL, SKIPPED }

    public CheckResult {
        details = List.copyOf(details);
    }

    public static CheckResult pass(String name, String summary, List<String> details) {
        return new CheckResult(name, Status.PASS, summary, details);
    }

    public static CheckResult warn(String name, String summary, List<String> details) {
        return new CheckResult(name, Status.WARN, summary, details);
    }

    public static CheckResult fail(String name, String summary, List<String> details) {
        return new CheckResult(name, Status.FAIL, summary, details);
    }

    public static CheckResult skipped(String name, String why) {
        return new CheckResult(name, Status.SKIPPED, why, List.of());
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean failed() {
        return status == Status.FAIL;
    }
}
