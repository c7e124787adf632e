package io.walden.repo;

import io.walden.wal.Lsn;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a backup holds and where each byte of it is. Written last: a backup exists only when its manifest
 * does. {@code backupLabel} and {@code tablespaceMap} are the texts pg_backup_stop returned; restore
 * writes them into the new PGDATA.
 */
public record Manifest(
        int format,
        String id,
        String label,
        Instant startTime,
        Instant stopTime,
        Lsn startLsn,
        Lsn stopLsn,
        int timeline,
        int pgVersionNum,
        String systemIdentifier,
        long walSegmentSize,
        String startSegment,
        String stopSegment,
        String backupLabel,
        String tablespaceMap,
        Long nextXidAtStop,
        String compression,
        List<DirEntry> directories,
        List<FileEntry> files,
        List<DataObject> objects,
        long originalSize,
        long storedSize,
        String waldenVersion) {

    public static final int FORMAT = 1;

    public Manifest {
        directories = List.copyOf(directories);
        files = List.copyOf(files);
        objects = List.copyOf(objects);
    }

    /** A folder to create (mode as octal digits, e.g. 0700 as 448). */
    public record DirEntry(String path, int mode) {}

    /**
     * A file, stored at {@code offset} in the plaintext of data object {@code object}. A file of size 0 has
     * no object.
     */
    public record FileEntry(String path, long size, int mode, String sha256, String object, long offset) {}

    /** A stored data object: one large file, or a bundle of small ones. */
    public record DataObject(String name, long plainSize, long storedSize, String sha256) {}

    public int pgMajor() {
        return pgVersionNum / 10000;
    }

    public Duration duration() {
        return Duration.between(startTime, stopTime);
    }
}
