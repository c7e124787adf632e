package io.walden.wal.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process told apart from a later one that got the same pid: its pid and its start time in clock ticks
 * since boot (field 22 of /proc/PID/stat), so a pid file left by a killed archiver never passes for a live one.
 * bin/walden reads the same fields from /proc to decide whether waiting for the archiver makes sense.
 */
record ProcessStamp(long pid, long startTicks) {

    static ProcessStamp current() {
        return of(ProcessHandle.current().pid()).orElseThrow(() -> new IllegalStateException("/proc/self/stat is unreadable"));
    }

    /** The stamp of the process {@code pid} now, or empty when there is none. */
    static Optional<ProcessStamp> of(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (fields.length < 20 || fields[0].equals("Z")) {
            return Optional.empty(); // a zombie has ended; only its parent has not collected it yet
        }
        return Optional.of(new ProcessStamp(pid, Long.parseLong(fields[19])));
    }

    boolean isAlive() {
        return of(pid).filter(this::equals).isPresent();
    }

    String line() {
        return pid + " " + startTicks;
    }

    static Optional<ProcessStamp> parse(String line) {
        String[] f = line.strip().split(" ");
        if (f.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessStamp(Long.parseLong(f[0]), Long.parseLong(f[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
