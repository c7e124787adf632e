package io.walden.ops.schedule;

import io.walden.pg.ShellQuote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a job as a walden child process: "LAUNCHER GLOBAL-OPTIONS COMMAND ARGS" through sh, with the daemon's
 * environment (keys and credentials stay there, never on a command line). Its output goes to the daemon's log,
 * each line marked with the schedule's name; the last line that says what went wrong becomes the run's summary.
 */
public final class ProcessJobRunner implements JobRunner {
    private final String launcher;
    private final List<String> globalArgs;
    private final Map<Job, List<String>> extraArgs;
    private final PrintStream log;
    private volatile Process current;
    private volatile boolean stopping;

    /**
     * @param launcher   a shell command prefix that starts walden
     * @param globalArgs the repository options (--repo, --s3-endpoint, ...)
     * @param extraArgs  options a job gets unless its schedule gives them, e.g. the daemon's --pg-url for backup
     */
    public ProcessJobRunner(String launcher, List<String> globalArgs, Map<Job, List<String>> extraArgs, PrintStream log) {
        this.launcher = launcher;
        this.globalArgs = List.copyOf(globalArgs);
        this.extraArgs = Map.copyOf(extraArgs);
        this.log = log;
    }

    /** The command line a schedule runs, after the launcher. */
    public List<String> arguments(Schedule s) {
        List<String> args = new ArrayList<>(globalArgs);
        List<String> command = s.commandLine();
        args.addAll(command);
        List<String> extra = extraArgs.getOrDefault(s.job(), List.of());
        if (!extra.isEmpty() && !command.contains(extra.get(0))) {
            args.addAll(extra);
        }
        return args;
    }

    @Override
    public Outcome run(Schedule s, int attempt) throws InterruptedException {
        Instant start = Instant.now();
        if (stopping) {
            return new Outcome(-1, "the daemon is stopping", Duration.ZERO);
        }
        String line = launcher + " " + ShellQuote.join(arguments(s));
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", line).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Outcome(-1, "could not start walden: " + e.getMessage(), Duration.between(start, Instant.now()));
        }
        current = p;
        String summary = "";
        String lastLine = "";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = out.readLine()) != null; ) {
                log.println("  [" + s.name() + "] " + l);
                if (!l.isBlank()) {
                    lastLine = l.strip();
                    if (l.startsWith("walden: ")) {
                        summary = l.substring("walden: ".length()).strip();
                    }
                }
            }
        } catch (IOException e) {
            lastLine = "output unreadable: " + e.getMessage();
        } finally {
            if (Thread.currentThread().isInterrupted()) {
                p.destroy();
            }
        }
        int exit = p.waitFor();
        current = null;
        if (stopping && exit != 0) {
            summary = "stopped with the daemon";
        }
        return new Outcome(exit, summary.isEmpty() ? lastLine : summary, Duration.between(start, Instant.now()));
    }

    /** Asks a running job to stop (SIGTERM): walden commands leave nothing half-written that looks complete. */
    public void stop() {
        stopping = true;
        Process p = current;
        if (p != null) {
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }
}
