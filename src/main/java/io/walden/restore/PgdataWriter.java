package io.walden.restore;

import io.walden.codec.Digests;
import io.walden.codec.ObjectDecoder;
import io.walden.error.CorruptObjectException;
import io.walden.error.WaldenException;
import io.walden.repo.Manifest;
import io.walden.repo.Manifest.DirEntry;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Writes a backup's files into an empty PGDATA: folders first, then every data object in parallel, each
 * file checked against its SHA-256 from the manifest and each object against its own checksum, and
 * every file flushed to disk before the restore goes on.
 */
final class PgdataWriter {
    private static final int BUFFER = 1024 * 1024;

    private final Repository repository;
    private final Manifest manifest;
    private final Path pgdata;
    private final int jobs;
    private final LongConsumer progress;

    PgdataWriter(Repository repository, Manifest manifest, Path pgdata, int jobs, LongConsumer progress) {
        this.repository = repository;
        this.manifest = manifest;
        this.pgdata = pgdata;
        this.jobs = jobs;
        this.progress = progress;
    }

    void write() throws IOException {
        for (DirEntry d : manifest.directories().stream().sorted(Comparator.comparing(DirEntry::path)).toList()) {
            Path dir = pgdata.resolve(d.path());
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions(d.mode() == 0 ? 0700 : d.mode()));
        }
        Map<String, List<FileEntry>> byObject = new LinkedHashMap<>();
        for (FileEntry f : manifest.files()) {
            if (f.object() == null) {
                Path p = pgdata.resolve(f.path());
                Files.createDirectories(p.getParent());
                Files.write(p, new byte[0]);
                Files.setPosixFilePermissions(p, permissions(f.mode()));
            } else {
                byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(f);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, List<FileEntry>> e : byObject.entrySet()) {
                futures.add(pool.submit(() -> {
                    writeObject(e.getKey(), e.getValue());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw io.walden.error.TaskFailure.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        } finally {
            // no worker may still be writing when the caller cleans up after a failure
            pool.shutdownNow();
            awaitQuietly(pool);
        }
        writeText("backup_label", manifest.backupLabel());
        if (manifest.tablespaceMap() != null && !manifest.tablespaceMap().isEmpty()) {
            writeText("tablespace_map", manifest.tablespaceMap());
        }
    }

    private void writeObject(String objectName, List<FileEntry> files) throws IOException {
        files.sort(Comparator.comparingLong(FileEntry::offset));
        String key = ObjectKeys.backupData(manifest.id(), objectName);
        byte[] buffer = new byte[BUFFER];
        // An object holding one whole file is checked once: its own checksum is the file's.
        boolean wholeFile = files.size() == 1 && files.get(0).offset() == 0;
        try (ObjectDecoder in = repository.read(key)) {
            long position = 0;
            for (FileEntry f : files) {
                if (f.offset() > position) {
                    in.skipNBytes(f.offset() - position);
                    position = f.offset();
                }
                writeFile(in, f, buffer, !wholeFile);
                position += f.size();
            }
            io.walden.codec.ObjectTrailer trailer = in.verifyToEnd();
            FileEntry only = files.get(0);
            if (wholeFile && (trailer.plainLength() != only.size()
                    || (only.sha256() != null && !trailer.sha256Hex().equals(only.sha256())))) {
                throw new CorruptObjectException("file " + only.path() + " restored from backup " + manifest.id()
                        + " fails its checksum");
            }
        }
    }

    private void writeFile(ObjectDecoder in, FileEntry f, byte[] buffer, boolean hash) throws IOException {
        Path target = pgdata.resolve(f.path());
        MessageDigest digest = hash ? Digests.sha256() : null;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long left = f.size();
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new CorruptObjectException("object " + f.object() + " of backup " + manifest.id()
                            + " ends before file " + f.path() + " does");
                }
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                left -= n;
                progress.accept(n);
            }
            out.force(false);
        }
        if (digest != null && f.sha256() != null && !HexFormat.of().formatHex(digest.digest()).equals(f.sha256())) {
            throw new CorruptObjectException("file " + f.path() + " restored from backup " + manifest.id()
                    + " fails its checksum");
        }
        Files.setPosixFilePermissions(target, permissions(f.mode()));
    }

    private void writeText(String name, String content) throws IOException {
        Path p = pgdata.resolve(name);
        try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            out.force(false);
        }
        Files.setPosixFilePermissions(p, permissions(0600));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                s.add(order[bit]);
            }
        }
        return s;
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
