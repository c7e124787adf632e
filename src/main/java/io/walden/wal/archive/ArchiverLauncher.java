package io.walden.wal.archive;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the background archiver detached from the archive_command that needs it: in a session of its own
 * (setsid), so PostgreSQL's signals to its archiver's process group do not reach it and it outlives the call;
 * with stdin from /dev/null, stdout discarded and stderr into the spool's log, so it keeps none of PostgreSQL's
 * descriptors open (the JDK closes every other descriptor in a child); and in /, so it holds no directory of
 * the cluster as its working directory.
 */
public final class ArchiverLauncher {
    private static final long LOG_LIMIT = 1 << 20;
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    private final String waldenCommand;
    private final List<String> globalArgs;
    private final Map<String, String> environment;

    /**
     * @param waldenCommand shell words that start walden (the launcher script, or java -jar)
     * @param globalArgs    the options that choose the repository and how it is written, for the archiver
     * @param environment   the environment it runs with (keys and credentials come from there, never flags)
     */
    public ArchiverLauncher(String waldenCommand, List<String> globalArgs, Map<String, String> environment) {
        this.waldenCommand = waldenCommand;
        this.globalArgs = List.copyOf(globalArgs);
        this.environment = Map.copyOf(environment);
    }

    Process start(ArchiveSpool spool, Path pgWal, Path spoolDir, ArchiverOptions options) throws IOException {
        rotate(spool.logFile());
        String setsid = SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().map(p -> p + " ").orElse("");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec " + setsid + waldenCommand + " \"$@\"", "walden"));
        command.addAll(globalArgs);
        command.addAll(List.of("wal-archiver", "--pg-wal", pgWal.toString(), "--spool", spoolDir.toString(),
                "--archiver-idle", options.idleExit().toSeconds() + "s", "--archiver-jobs", Integer.toString(options.jobs())));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(spool.logFile().toFile()));
        pb.environment().putAll(environment);
        return pb.start();
    }

    /** One old log is kept: the log holds start lines and failures, and must not grow without bound. */
    private static void rotate(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > LOG_LIMIT) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** How the archiver behaves: when it leaves, and how many files it pushes at once. */
    public record ArchiverOptions(java.time.Duration idleExit, int jobs) {
    }
}
