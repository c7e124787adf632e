package io.walden.wal.archive;

import io.walden.codec.CompressedBody;
import io.walden.codec.ObjectTrailer;
import io.walden.error.FaultPoint;
import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.repo.WalMetadata;
import io.walden.wal.WalFileName;
import io.walden.wal.WalPageHeader;
import io.walden.wal.decode.SegmentEnd;
import io.walden.wal.decode.SegmentScanner;
import io.walden.wal.decode.SegmentSummary;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * archive_command's job: store one WAL file in the repository, exactly once. Pushing the same content
 * again succeeds (PostgreSQL retries after a crash); different content under a name already archived is
 * refused and nothing is overwritten.
 *
 * <p>A file is read once into memory, then compressed and hashed on two tasks of {@code cpu} while this thread
 * decodes it: the three take about the same time, and the metadata the decoding yields goes first in the
 * object. Files above {@link #IN_MEMORY_LIMIT} (wal_segment_size goes up to 1 GB) are streamed instead.
 */
public final class WalPusher {
    static final long IN_MEMORY_LIMIT = 64L << 20;
    private static final int READ_SLICE = 1 << 20;

    private final Repository repository;
    private final Executor cpu;
    /** One read buffer per pushing thread, reused: a fresh 16 MB array costs as much as reading into it. */
    private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();

    public WalPusher(Repository repository) {
        this(repository, CpuPool.shared());
    }

    public WalPusher(Repository repository, Executor cpu) {
        this.repository = repository;
        this.cpu = cpu;
    }

    public enum Outcome { ARCHIVED, ALREADY_ARCHIVED }

    public Outcome push(Path path) throws IOException {
        WalFileName file = checkFile(path);
        String key = ObjectKeys.wal(file);
        Repository.Written written;
        try {
            long size = Files.size(path);
            written = size <= IN_MEMORY_LIMIT ? pushInMemory(path, file, key, (int) size) : pushStreaming(path, file, key, size);
        } catch (NoSuchFileException e) {
            throw new WaldenException("WAL file " + path.toAbsolutePath() + " vanished while it was being archived",
                    "PostgreSQL will retry; if this repeats, check what else removes files from pg_wal");
        }
        FaultPoint.reach("wal-push.after-upload");
        if (written.created()) {
            return Outcome.ARCHIVED;
        }
        ObjectTrailer existing = repository.trailer(key);
        if (Arrays.equals(existing.sha256(), written.trailer().sha256()) && existing.plainLength() == written.trailer().plainLength()) {
            return Outcome.ALREADY_ARCHIVED;
        }
        throw new WaldenException("WAL file " + file.name() + " is already in the repository at " + repository.location()
                + " with different content; nothing was overwritten",
                "two servers may be archiving into the same repository; give each cluster its own --repo");
    }

    private Repository.Written pushInMemory(Path path, WalFileName file, String key, int size) throws IOException {
        byte[] content = read(path, size);
        // compressing and hashing start before the repository is checked: they take longest, and the check
        // (reading walden.json) takes a fresh process some 20 ms that would otherwise come first
        CompletableFuture<CompressedBody> body = repository.codec().compress(content, size, cpu);
        Optional<SegmentSummary> summary;
        try {
            claimRepository(path, file, content, size, size);
            summary = summarize(path, file, new ByteArrayInputStream(content, 0, size));
        } finally {
            body.exceptionally(e -> null).join(); // the buffer is reused: nothing may still read it after this call
        }
        CompressedBody compressed;
        try {
            compressed = body.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        }
        return repository.write(key, WalMetadata.json(file.name(), summary), true, compressed);
    }

    private Repository.Written pushStreaming(Path path, WalFileName file, String key, long size) throws IOException {
        byte[] first = new byte[WalPageHeader.LENGTH];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(first, 0, first.length);
        }
        claimRepository(path, file, first, n, size);
        Optional<SegmentSummary> summary;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 20)) {
            summary = summarize(path, file, in);
        }
        return repository.write(key, WalMetadata.json(file.name(), summary), true, out -> Files.copy(path, out));
    }

    /**
     * The whole file, in this thread's buffer; a file that is not the size it had a moment ago is refused. Read in
     * slices through a plain file stream: a channel reading into a heap array goes through a temporary native buffer
     * as large as the read, which for one 16 MB read cost a JVM start another 25 ms of page faults and copying.
     */
    private byte[] read(Path path, int size) throws IOException {
        byte[] buffer = buffers.get();
        if (buffer == null || buffer.length < size) {
            buffer = new byte[size];
            buffers.set(buffer);
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            int done = 0;
            int n;
            while (done < size && (n = file.read(buffer, done, Math.min(READ_SLICE, size - done))) >= 0) {
                done += n;
            }
            if (done < size || file.length() != size) {
                throw new WaldenException("WAL file " + path.toAbsolutePath() + " changed size while it was being archived",
                        "PostgreSQL will retry; if this repeats, check what else writes to pg_wal");
            }
        }
        return buffer;
    }

    /** The WAL file PostgreSQL names with %p; refuses a path that is not one, or does not exist. */
    public static WalFileName checkFile(Path path) {
        String name = path.getFileName().toString();
        WalFileName file = WalFileName.parse(name).orElseThrow(() -> new UsageException(
                "'" + name + "' is not a WAL file name",
                "archive_command must pass %p, e.g. archive_command = 'walden wal-push %p'"));
        if (!Files.isRegularFile(path)) {
            throw new WaldenException("WAL file " + path.toAbsolutePath() + " does not exist",
                    "archive_command must pass %p (the path PostgreSQL gives, relative to PGDATA)");
        }
        return file;
    }

    /**
     * Decodes a segment so the repository knows its commits and restore points without reading it again, and
     * refuses a segment whose records fail their CRC: archiving it would hand a damaged file to a restore.
     * A decoder failure on a sound file (a record layout it does not know) must not stop archiving: the
     * segment is archived without a summary.
     */
    private static Optional<SegmentSummary> summarize(Path path, WalFileName file, InputStream in) {
        if (file.kind() != WalFileName.Kind.SEGMENT && file.kind() != WalFileName.Kind.PARTIAL) {
            return Optional.empty();
        }
        SegmentSummary summary;
        try {
            summary = SegmentScanner.summarize(in);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (file.kind() == WalFileName.Kind.SEGMENT && summary.end().reason() == SegmentEnd.Reason.BAD_CRC) {
            throw new WaldenException("WAL segment " + file.name() + " is damaged: the record at " + summary.badCrc()
                    + " fails its CRC; it was not archived",
                    "check the disk under pg_wal and compare with 'pg_waldump " + path + "'; a backup taken now (walden backup) "
                            + "keeps the cluster restorable from here on");
        }
        return Optional.of(summary);
    }

    /**
     * A segment's first page names the cluster and its version: a new repository takes them as its
     * identity, an existing one refuses another cluster's WAL. {@code first} holds the file's first {@code n}
     * bytes (at least), and the file is {@code size} bytes long.
     */
    private void claimRepository(Path path, WalFileName file, byte[] first, int n, long size) {
        if (file.kind() == WalFileName.Kind.HISTORY || file.kind() == WalFileName.Kind.BACKUP_HISTORY) {
            return; // no page header; the segments around them carry the identity
        }
        WalPageHeader header = WalPageHeader.read(first, n).orElseThrow(() -> new WaldenException(
                "WAL file " + path.getFileName() + " does not start with a WAL page header; it is not a WAL segment",
                "check that archive_command passes %p"));
        int major = header.pgMajor().orElseThrow(() -> new WaldenException(String.format(
                "WAL file %s was written by a PostgreSQL version this walden does not know (page magic 0x%04X)",
                path.getFileName(), header.magic()), "use a walden release that supports this PostgreSQL version"));
        if (file.kind() == WalFileName.Kind.SEGMENT && size != header.segmentSize()) {
            throw new WaldenException("WAL segment " + path.getFileName() + " has " + size + " bytes, its header says "
                    + header.segmentSize(), "the file is damaged or still being written; PostgreSQL will retry");
        }
        repository.claim(header.systemIdentifier(), major, header.segmentSize());
    }
}
