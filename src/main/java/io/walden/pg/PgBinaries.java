package io.walden.pg;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The server binaries (initdb, pg_ctl, postgres) of one PostgreSQL major version. A cluster must be run by
 * the binaries of its own major version, and hosts often have several installed (Debian keeps each under
 * /usr/lib/postgresql/MAJOR/bin, while PATH may hold an unrelated pg_ctl), so walden locates them by version
 * instead of trusting PATH.
 */
public final class PgBinaries {
    /** Where Debian installs each major's programs, server and client: DEBIAN_ROOT/MAJOR/bin. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("PostgreSQL\\)?\\s+(\\d+)");

    private final int major;
    private final Path binDir;

    private PgBinaries(int major, Path binDir) {
        this.major = major;
        this.binDir = binDir;
    }

    /**
     * The binaries for {@code major}: from {@code overrideBinDir} when given (it must hold that version),
     * else /usr/lib/postgresql/MAJOR/bin, else the bindir of {@code pg_config} when it reports that version.
     */
    public static PgBinaries locate(int major, Optional<Path> overrideBinDir) {
        return locate(major, overrideBinDir, DEBIAN_ROOT);
    }

    static PgBinaries locate(int major, Optional<Path> overrideBinDir, Path debianRoot) {
        if (overrideBinDir.isPresent()) {
            Path dir = overrideBinDir.get().toAbsolutePath().normalize();
            if (!hasServerBinaries(dir)) {
                throw new WaldenException("no PostgreSQL server binaries (initdb, pg_ctl, postgres) in " + dir,
                        "pass --pg-bin the bin directory of PostgreSQL " + major
                                + " (e.g. /usr/lib/postgresql/" + major + "/bin)");
            }
            OptionalInt found = parseMajor(ProcessRunner.run(
                    List.of(dir.resolve("pg_ctl").toString(), "--version"), VERSION_TIMEOUT).output());
            if (found.isPresent() && found.getAsInt() != major) {
                throw new WaldenException("the PostgreSQL binaries in " + dir + " are version " + found.getAsInt()
                        + ", but PostgreSQL " + major + " is needed",
                        "pass --pg-bin the bin directory of PostgreSQL " + major);
            }
            return new PgBinaries(major, dir);
        }
        Path debian = debianRoot.resolve(Integer.toString(major)).resolve("bin");
        if (hasServerBinaries(debian)) {
            return new PgBinaries(major, debian);
        }
        return fromPgConfig(major).orElseThrow(() -> new WaldenException(
                "no PostgreSQL " + major + " server binaries found",
                "install postgresql-" + major + " (apt-get install postgresql-" + major + ") or pass --pg-bin DIR"));
    }

    /** Major versions with server binaries under /usr/lib/postgresql, newest first. */
    public static List<Integer> installedMajors() {
        return installedMajors(DEBIAN_ROOT);
    }

    static List<Integer> installedMajors(Path debianRoot) {
        if (!Files.isDirectory(debianRoot)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.list(debianRoot)) {
            return versions
                    .filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .filter(dir -> Files.isExecutable(dir.resolve("bin").resolve("initdb")))
                    .map(dir -> Integer.parseInt(dir.getFileName().toString()))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The major version in the output of {@code pg_config --version}, {@code pg_ctl --version} and the like. */
    static OptionalInt parseMajor(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private static Optional<PgBinaries> fromPgConfig(int major) {
        try {
            ProcessResult version = ProcessRunner.run(List.of("pg_config", "--version"), VERSION_TIMEOUT);
            OptionalInt found = parseMajor(version.output());
            if (!version.succeeded() || found.isEmpty() || found.getAsInt() != major) {
                return Optional.empty();
            }
            ProcessResult bindir = ProcessRunner.run(List.of("pg_config", "--bindir"), VERSION_TIMEOUT);
            if (!bindir.succeeded()) {
                return Optional.empty();
            }
            Path dir = Path.of(bindir.output().strip());
            return hasServerBinaries(dir) ? Optional.of(new PgBinaries(major, dir)) : Optional.empty();
        } catch (WaldenException noPgConfig) {
            return Optional.empty();
        }
    }

    private static boolean hasServerBinaries(Path dir) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(name -> Files.isExecutable(dir.resolve(name)));
    }

    public Path initdb() {
        return binDir.resolve("initdb");
    }

    public Path pgCtl() {
        return binDir.resolve("pg_ctl");
    }

    public Path postgres() {
        return binDir.resolve("postgres");
    }

    /** Another tool from the same installation, e.g. {@code pg_controldata}. */
    public Path tool(String name) {
        return binDir.resolve(name);
    }

    public int major() {
        return major;
    }

    public Path binDir() {
        return binDir;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgBinaries other && major == other.major && binDir.equals(other.binDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, binDir);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major + " binaries in " + binDir;
    }
}
