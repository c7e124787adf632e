package io.walden.pg;

import io.walden.error.WaldenException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (initdb, pg_ctl, runuser, id, ...) to completion with a time limit and captures
 * its combined output, so that a hung tool never hangs walden and a failing tool's own words reach the
 * operator. Stdin is closed: nothing walden runs may wait for a prompt.
 */
public final class ProcessRunner {
    /** Lines of output quoted in an error message. */
    private static final int ERROR_TAIL_LINES = 10;
    /** Output beyond this is dropped from the front: errors are at the end. */
    private static final int MAX_CAPTURED_BYTES = 1 << 20;
    /** How long to wait for the output pipe after exit: a detached grandchild may keep it open. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private ProcessRunner() {
    }

    /** Runs {@code command} in the current directory; a non-zero exit is returned, a timeout is thrown. */
    public static ProcessResult run(List<String> command, Duration timeout) {
        return run(command, null, timeout);
    }

    /**
     * Runs {@code command} in {@code workingDirectory} (null: the current one). A non-zero exit code is
     * returned; a timeout kills the command and its children and throws {@link WaldenException}.
     */
    public static ProcessResult run(List<String> command, Path workingDirectory, Duration timeout) {
        return run(command, workingDirectory, Map.of(), timeout);
    }

    /**
     * Like {@link #run(List, Path, Duration)}, with {@code environment} added to this process's environment:
     * a secret such as PGPASSWORD goes there, never on a command line others can read.
     */
    public static ProcessResult run(List<String> command, Path workingDirectory, Map<String, String> environment,
                                    Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new WaldenException("cannot run " + display(command) + ": " + e.getMessage(),
                    "check that " + command.get(0) + " is installed and executable");
        }
        OutputCollector collector = new OutputCollector(process.getInputStream());
        Thread reader = Thread.ofPlatform().daemon().name("output of " + command.get(0)).start(collector);
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the command does not read stdin, or already exited
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                reader.join(DRAIN_GRACE.toMillis());
                ProcessResult partial = new ProcessResult(-1, collector.text());
                throw new WaldenException(display(command) + " did not finish within " + timeout.toSeconds()
                        + " s and was killed" + quote(partial), null);
            }
            reader.join(DRAIN_GRACE.toMillis());
            return new ProcessResult(process.exitValue(), collector.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            throw new WaldenException("interrupted while waiting for " + display(command), null);
        }
    }

    /** Like {@link #run(List, Duration)}, but a non-zero exit code throws, quoting the output's last lines. */
    public static ProcessResult runChecked(List<String> command, Duration timeout) {
        return runChecked(command, null, timeout);
    }

    /** Like {@link #run(List, Path, Duration)}, but a non-zero exit code throws, quoting the output's last lines. */
    public static ProcessResult runChecked(List<String> command, Path workingDirectory, Duration timeout) {
        ProcessResult result = run(command, workingDirectory, timeout);
        if (!result.succeeded()) {
            throw new WaldenException(display(command) + " failed with exit code " + result.exitCode()
                    + quote(result), null);
        }
        return result;
    }

    /** The command as one line, for messages. */
    public static String display(List<String> command) {
        return String.join(" ", command);
    }

    private static String quote(ProcessResult result) {
        List<String> tail = result.lastLines(ERROR_TAIL_LINES);
        if (tail.isEmpty()) {
            return "";
        }
        return ":\n  " + String.join("\n  ", tail);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains the output pipe, keeping at most the last {@link #MAX_CAPTURED_BYTES}. */
    private static final class OutputCollector implements Runnable {
        private final InputStream in;
        private ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    append(chunk, n);
                }
            } catch (IOException ignored) {
                // the process went away; keep what was read
            }
        }

        private synchronized void append(byte[] chunk, int n) {
            buffer.write(chunk, 0, n);
            if (buffer.size() > MAX_CAPTURED_BYTES) {
                byte[] all = buffer.toByteArray();
                int keep = MAX_CAPTURED_BYTES / 2;
                buffer = new ByteArrayOutputStream();
                buffer.write(all, all.length - keep, keep);
            }
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
