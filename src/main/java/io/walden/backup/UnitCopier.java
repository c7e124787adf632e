package io.walden.backup;

import io.walden.codec.Digests;
import io.walden.repo.Manifest.DataObject;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads the files of one plan unit from PGDATA and stores them as one data object. Files are read to
 * their end as it is now: a file that grew or shrank since the scan is copied as it is, one that
 * vanished is left out; WAL replay from the backup's start makes the copy consistent.
 */
final class UnitCopier {
    private static final int BUFFER = 1024 * 1024;

    private final Repository repository;
    private final String backupId;
    private final Path pgdata;
    private final LongConsumer progress;

    UnitCopier(Repository repository, String backupId, Path pgdata, LongConsumer progress) {
        this.repository = repository;
        this.backupId = backupId;
        this.pgdata = pgdata;
        this.progress = progress;
    }

    record Copied(DataObject object, List<FileEntry> files) {}

    Copied copy(BackupPlan.Unit unit) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        String key = ObjectKeys.backupData(backupId, unit.objectName());
        Repository.Written written = repository.write(key, "{\"type\":\"backup-data\"}", false, out -> {
            long offset = 0;
            for (SourceFile f : unit.files()) {
                MessageDigest digest = unit.bundle() ? Digests.sha256() : null;
                long n = copyFile(f, out, digest, buffer);
                if (n < 0) {
                    continue; // vanished
                }
                String sha = digest == null ? null : HexFormat.of().formatHex(digest.digest());
                entries.add(new FileEntry(f.path(), n, f.mode(), sha, unit.objectName(), offset));
                offset += n;
            }
        });
        if (!unit.bundle() && entries.size() == 1) {
            // a single-file object's checksum is the file's checksum: no need to hash twice
            FileEntry e = entries.get(0);
            entries.set(0, new FileEntry(e.path(), e.size(), e.mode(), written.trailer().sha256Hex(), e.object(), e.offset()));
        }
        DataObject object = new DataObject(unit.objectName(), written.trailer().plainLength(), written.storedSize(),
                written.trailer().sha256Hex());
        return new Copied(object, entries);
    }

    /** Copies a file to its end; returns the bytes copied, or -1 if it no longer exists. */
    private long copyFile(SourceFile f, OutputStream out, MessageDigest digest, byte[] buffer) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(pgdata.resolve(f.path()), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return -1;
        }
        long total = 0;
        try (ch) {
            ByteBuffer bb = ByteBuffer.wrap(buffer);
            while (true) {
                bb.clear();
                int n = ch.read(bb);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                out.write(buffer, 0, n);
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                total += n;
                progress.accept(n);
            }
        }
        return total;
    }
}
