package io.walden.wal.archive;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What asynchronous archiving knows, for one cluster and one repository: which WAL files are durable in the
 * repository (markers), which failed and why, and the background archiver's pid, lock and log.
 *
 * <pre>
 * SPOOL/pg_wal                   the pg_wal this spool serves: "device inode" and its path
 * SPOOL/KEY/repository           the repository the area vouches for ({@link RepositoryKey})
 * SPOOL/KEY/archived/NAME        marker: the {@link WalFileIdentity} NAME had when it became durable
 * SPOOL/KEY/failed/NAME          identity, message and hint of the last failed push of NAME
 * SPOOL/KEY/archiver.pid|lock|log the background archiver
 * </pre>
 *
 * <p>By default the spool is {@code pg_wal/walden-spool}: it belongs to the cluster's owner like the rest of
 * PGDATA, sits on the filesystem of the segments it describes, is left out of base backups (pg_wal's contents
 * are), and goes away with the PGDATA it describes, so a restored cluster, whose segment names come back with
 * other content, starts with an empty spool. A marker makes wal-push answer "archived" without looking at the
 * repository, so whoever can write the spool can make PostgreSQL delete WAL that was never archived: it must
 * belong to the user running walden and be writable by nobody else.
 */
public final class ArchiveSpool {
    public static final String DEFAULT_NAME = "walden-spool";
    private static final String BINDING = "pg_wal";

    private final Path area;

    private ArchiveSpool(Path area) {
        this.area = area;
    }

    /** The default spool of the cluster whose WAL folder is {@code pgWal}. */
    public static Path defaultLocation(Path pgWal) {
        return pgWal.resolve(DEFAULT_NAME);
    }

    /**
     * Opens (creating when missing) the spool {@code dir} for the cluster whose WAL folder is {@code pgWal}, and
     * its area for one repository. Refuses a spool another user could write, and a spool serving another cluster.
     */
    public static ArchiveSpool open(Path dir, Path pgWal, RepositoryKey repository) throws IOException {
        Path spool = dir.toAbsolutePath().normalize();
        createPrivate(spool);
        bind(spool, pgWal);
        Path area = spool.resolve(repository.directoryName());
        createPrivate(area);
        createPrivate(area.resolve("archived"));
        createPrivate(area.resolve("failed"));
        Path named = area.resolve("repository");
        if (!Files.exists(named)) {
            writeAtomically(named, repository.text() + "\n");
        }
        return new ArchiveSpool(area);
    }

    public Path area() {
        return area;
    }

    Path failedDirectory() {
        return area.resolve("failed");
    }

    Path pidFile() {
        return area.resolve("archiver.pid");
    }

    Path lockFile() {
        return area.resolve("archiver.lock");
    }

    public Path logFile() {
        return area.resolve("archiver.log");
    }

    // ---- markers -----------------------------------------------------------------------------------

    /** True when NAME was made durable in the repository while it had exactly this identity. */
    public boolean isArchived(String name, WalFileIdentity identity) {
        return read(marker(name)).flatMap(WalFileIdentity::parse).filter(identity::equals).isPresent();
    }

    /** Records that NAME, with this identity, is durable in the repository. Call only after the push returned. */
    void markArchived(String name, WalFileIdentity identity) throws IOException {
        writeAtomically(marker(name), identity.line() + "\n");
        Files.deleteIfExists(failure(name));
    }

    private Path marker(String name) {
        return area.resolve("archived").resolve(checkedName(name));
    }

    // ---- failures ----------------------------------------------------------------------------------

    /** Why the last push of NAME failed: the file's identity then, and the message and hint for people. */
    public record Failure(WalFileIdentity identity, String message, String hint) {
        public WaldenException exception() {
            return new WaldenException(message, hint.isEmpty() ? null : hint);
        }
    }

    void recordFailure(String name, WalFileIdentity identity, String message, String hint) throws IOException {
        writeAtomically(failure(name), identity.line() + "\n" + oneLine(message) + "\n" + oneLine(hint == null ? "" : hint) + "\n");
    }

    public Optional<Failure> failure(String name, WalFileIdentity identity) {
        return read(failure(name)).flatMap(text -> {
            List<String> lines = text.lines().toList();
            if (lines.size() < 3) {
                return Optional.empty();
            }
            return WalFileIdentity.parse(lines.get(0)).filter(identity::equals)
                    .map(id -> new Failure(id, lines.get(1), lines.get(2)));
        });
    }

    /** Forgets NAME's failure: the archiver then tries it again (it watches this folder). */
    public void clearFailure(String name) throws IOException {
        Files.deleteIfExists(failure(name));
    }

    private Path failure(String name) {
        return area.resolve("failed").resolve(checkedName(name));
    }

    // ---- housekeeping ------------------------------------------------------------------------------

    /**
     * Removes markers and failures whose file is gone from pg_wal or is not the file they describe any more
     * (PostgreSQL recycled or removed it after archiving): they can never answer a question again.
     */
    int removeStale(Path pgWal) throws IOException {
        int removed = 0;
        for (String folder : List.of("archived", "failed")) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(area.resolve(folder))) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".") || stillDescribes(entry, pgWal.resolve(name))) {
                        continue;
                    }
                    Files.deleteIfExists(entry);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean stillDescribes(Path record, Path file) throws IOException {
        WalFileIdentity now;
        try {
            now = WalFileIdentity.of(file);
        } catch (NoSuchFileException e) {
            return false;
        }
        return read(record).flatMap(text -> WalFileIdentity.parse(text.lines().findFirst().orElse("")))
                .filter(now::equals).isPresent();
    }

    // ---- the folder itself -------------------------------------------------------------------------

    /**
     * The spool serves one pg_wal. A spool outside PGDATA may outlive it: after a restore into the same path it
     * describes files that are gone, and its records are dropped; a spool still serving another live cluster
     * is refused.
     */
    private static void bind(Path spool, Path pgWal) throws IOException {
        Path binding = spool.resolve(BINDING);
        Path realWal = pgWal.toRealPath();
        String wanted = directoryIdentity(realWal) + "\n" + realWal + "\n";
        Optional<String> recorded = read(binding);
        if (recorded.isPresent() && recorded.get().equals(wanted)) {
            return;
        }
        if (recorded.isPresent()) {
            List<String> lines = recorded.get().lines().toList();
            if (lines.size() >= 2 && !lines.get(1).equals(realWal.toString()) && servesStill(Path.of(lines.get(1)), lines.get(0))) {
                throw new WaldenException("the spool " + spool + " already serves the cluster whose WAL is in " + lines.get(1),
                        "give each cluster its own spool (--spool DIR or WALDEN_SPOOL), or leave the default inside pg_wal");
            }
            dropAreas(spool); // an earlier PGDATA's records: its files are gone
        }
        writeAtomically(binding, wanted);
    }

    private static boolean servesStill(Path otherWal, String identity) {
        try {
            return Files.isDirectory(otherWal) && directoryIdentity(otherWal.toRealPath()).equals(identity);
        } catch (IOException e) {
            return false;
        }
    }

    /** "device inode" of a folder: the same path may name another folder later (a restore moves PGDATA aside). */
    static String directoryIdentity(Path dir) throws IOException {
        return Files.getAttribute(dir, "unix:dev") + " " + Files.getAttribute(dir, "unix:ino");
    }

    private static void dropAreas(Path spool) throws IOException {
        try (DirectoryStream<Path> areas = Files.newDirectoryStream(spool, Files::isDirectory)) {
            for (Path area : areas) {
                for (String folder : List.of("archived", "failed")) {
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(area.resolve(folder))) {
                        for (Path entry : entries) {
                            Files.deleteIfExists(entry);
                        }
                    } catch (NoSuchFileException e) {
                        // not created yet
                    }
                }
            }
        }
    }

    /** Creates {@code dir} with mode 0700 when missing, then refuses it unless it is ours and writable by us only. */
    private static void createPrivate(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // there already; checked below
        } catch (NoSuchFileException e) {
            throw new WaldenException("cannot create the spool " + dir + ": " + dir.getParent() + " does not exist",
                    "create it, or give another spool with --spool DIR (or WALDEN_SPOOL)");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new WaldenException("cannot create the spool " + dir + ": permission denied",
                    "give a spool folder the user running walden can write, with --spool DIR (or WALDEN_SPOOL)");
        }
        SpoolOwnership.requirePrivate(dir);
    }

    // ---- small files -------------------------------------------------------------------------------

    /** A name from PostgreSQL or a listing; a path separator would escape the spool. */
    private static String checkedName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/")) {
            throw new IllegalArgumentException("not a WAL file name: " + name);
        }
        return name;
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Readers see the old content or the new one, never a part. Not fsynced: a record lost in a crash costs a
     * second push of the same content, which the repository answers as already archived.
     */
    static void writeAtomically(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
