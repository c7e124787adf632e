package io.walden.it;

import io.walden.pg.OsUser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Directories for integration tests that the PostgreSQL server user can use. Tests may run as root from a
 * checkout in root's home, which the server user cannot enter: everything the server touches (data directory,
 * archive repository, the walden jar run by archive_command) lives in a temp directory given to that user.
 */
public final class TestDirs {
    private TestDirs() {
    }

    /** The OS user that runs test servers and their archive/restore commands. */
    public static String serverUser() {
        return ServerUserHolder.USER;
    }

    /** A new empty directory under the system temp directory, owned by the server user (mode 0755). */
    public static Path newBaseDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            OsUser.chown(dir, serverUser());
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code parent/name}, created and owned by the server user, e.g. a repository archive_command writes. */
    public static Path serverDir(Path parent, String name) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            OsUser.chownTree(dir, serverUser());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives {@code path} and everything below it to the server user (after the test wrote there as root). */
    public static void giveToServer(Path path) {
        OsUser.chownTree(path, serverUser());
    }

    /**
     * Copies the shaded jar named by system property {@code walden.jar} (set by failsafe) into {@code baseDir},
     * readable by everyone, and returns the copy.
     */
    public static Path installJar(Path baseDir) {
        String jar = System.getProperty("walden.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property walden.jar does not name the built jar (" + jar
                    + "); run integration tests with mvn verify, which packages target/walden.jar first");
        }
        try {
            Path installed = baseDir.resolve("walden.jar");
            Files.copy(Path.of(jar), installed, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rw-r--r--"));
            OsUser.chown(installed, serverUser());
            return installed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Installs bin/walden, its bin/lib scripts and the built jar (see {@link #installJar}) as {@code baseDir/walden},
     * the layout the launcher expects (bin/ next to target/), without sources, so it never tries to build; returns
     * the launcher. Readable by the server user, who runs it from archive_command.
     */
    public static Path installLauncher(Path baseDir) {
        try {
            Path home = baseDir.resolve("walden");
            Path bin = Files.createDirectories(home.resolve("bin/lib"));
            Path project = Path.of(System.getProperty("user.dir"));
            Files.copy(project.resolve("bin/walden"), home.resolve("bin/walden"), StandardCopyOption.REPLACE_EXISTING);
            try (java.util.stream.Stream<Path> libs = Files.list(project.resolve("bin/lib"))) {
                for (Path lib : libs.toList()) {
                    Files.copy(lib, bin.resolve(lib.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            installJar(Files.createDirectories(home.resolve("target")));
            Files.setPosixFilePermissions(home.resolve("bin/walden"), PosixFilePermissions.fromString("rwxr-xr-x"));
            OsUser.chownTree(home, serverUser());
            return home.resolve("bin/walden");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Damages a file in place: the byte in its middle, XOR 0x5A (same size; new modification time). */
    public static void flipByteInTheMiddle(Path file) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code root} and everything below it, without following symlinks; missing is fine. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Looked up once per JVM: when root it may create a user. */
    private static final class ServerUserHolder {
        static final String USER = OsUser.unprivilegedServerUser();
    }

    /**
     * Every path under a PGDATA, relative and sorted, leaving out what a running server changes by itself
     * (pg_wal, pg_stat_tmp): two equal listings mean nothing was written, moved or removed.
     */
    public static java.util.List<String> pgdataListing(Path pgdata) {
        try (java.util.stream.Stream<Path> files = Files.walk(pgdata)) {
            return files.filter(p -> !p.toString().contains("pg_stat_tmp") && !p.toString().contains("pg_wal"))
                    .map(p -> pgdata.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
