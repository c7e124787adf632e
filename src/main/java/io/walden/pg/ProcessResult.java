package io.walden.pg;

import java.util.List;

/**
 * How an external command ended: its exit code and its combined stdout and stderr (only the tail is kept
 * when a command is very chatty).
 */
public record ProcessResult(int exitCode, String output) {
    public ProcessResult {
        output = output == null ? "" : output;
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The last {@code n} non-blank lines of the output: what an operator needs to see in an error. */
    public List<String> lastLines(int n) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
}
