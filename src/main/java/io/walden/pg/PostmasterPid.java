package io.walden.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The contents of PGDATA/postmaster.pid: which process runs the cluster, on which port and socket directory,
 * and whether it is ready. It tells walden how to reach a running server without asking the operator, and
 * whether a data directory is in use.
 *
 * @param pid               the postmaster's process id
 * @param dataDirectory     the data directory as the server was started with it
 * @param startEpochSeconds when the postmaster started, seconds since the epoch
 * @param port              the TCP port (also the unix socket's number)
 * @param socketDirectory   the first unix socket directory, empty when there is none
 * @param listenAddress     the first TCP listen address ("*" for all), empty when TCP is off
 * @param status            "starting", "stopping", "ready" or "standby"; empty when not (yet) written
 */
public record PostmasterPid(long pid, Path dataDirectory, long startEpochSeconds, int port,
                            String socketDirectory, String listenAddress, String status) {

    public static final String FILE_NAME = "postmaster.pid";

    /** The file in {@code pgdata}, or empty when it is missing, unreadable or half-written. */
    public static Optional<PostmasterPid> read(Path pgdata) {
        try {
            return parse(Files.readString(pgdata.resolve(FILE_NAME), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The parsed text of a postmaster.pid, or empty when it lacks the first four lines (mid-write). */
    public static Optional<PostmasterPid> parse(String content) {
        List<String> lines = content.lines().toList();
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            Path dataDirectory = Path.of(lines.get(1).strip());
            long start = Long.parseLong(lines.get(2).strip());
            int port = Integer.parseInt(lines.get(3).strip());
            return Optional.of(new PostmasterPid(pid, dataDirectory, start, port,
                    line(lines, 4), line(lines, 5), line(lines, 7)));
        } catch (RuntimeException halfWritten) {
            return Optional.empty();
        }
    }

    /** True when the server said it accepts connections (a primary "ready" or a hot "standby"). */
    public boolean acceptsConnections() {
        return status.equals("ready") || status.equals("standby");
    }

    private static String line(List<String> lines, int index) {
        return index < lines.size() ? lines.get(index).strip() : "";
    }
}
