package io.walden.repo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.walden.wal.Lsn;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a backup holds and where each byte of it is. Written last: a backup exists only when its manifest
 * does. {@code backupLabel} and {@code tablespaceMap} are the texts pg_backup_stop returned; restore
 * writes them into the new PGDATA.
 *
 * <p>An incremental backup ({@code type} "incr") names its {@code parent}; its files either point into an
 * older backup's objects or hold only the blocks that changed since the parent (see {@link FileEntry}).
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
        String waldenVersion,
        String type,
        String parent) {

    /** Format 2 added incremental backups; format 1 manifests read as full backups. */
    public static final int FORMAT = 2;
    public static final String FULL = "full";
    public static final String INCREMENTAL = "incr";

    public Manifest {
        directories = List.copyOf(directories);
        files = List.copyOf(files);
        objects = List.copyOf(objects);
    }

    /** A folder to create (mode as octal digits, e.g. 0700 as 448). */
    public record DirEntry(String path, int mode) {}

    /**
     * A file of {@code size} bytes whose content has SHA-256 {@code sha256}. A file of size 0 has no object.
     * The bytes are at {@code offset} in the plaintext of data object {@code object}, which belongs to
     * backup {@code backup} (null: this backup). With {@code blocks} null they are the whole file; otherwise
     * they are only the listed blocks (see {@link BlockRanges}), in order, and the rest of the file is
     * this path as backup {@code base} has it. {@code blockMap}: the object has a block map (one hash per
     * block of the whole file) that the next incremental backup compares against.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record FileEntry(String path, long size, int mode, String sha256, String object, long offset,
                            String backup, String base, String blocks, boolean blockMap) {

        /** The whole file in an object of this backup. */
        public FileEntry(String path, long size, int mode, String sha256, String object, long offset) {
            this(path, size, mode, sha256, object, offset, null, null, null, false);
        }

        /** The backup whose data object holds this file's bytes. */
        public String objectBackup(String manifestId) {
            return backup == null ? manifestId : backup;
        }

        @JsonIgnore
        public boolean isDelta() {
            return blocks != null;
        }

        /** How many bytes of the object this entry covers. */
        @JsonIgnore
        public long storedLength() {
            return blocks == null ? size : BlockRanges.storedLength(BlockRanges.parse(blocks), size);
        }
    }

    /** A stored data object: one large file, or a bundle of small ones. */
    public record DataObject(String name, long plainSize, long storedSize, String sha256) {}

    public int pgMajor() {
        return pgVersionNum / 10000;
    }

    @JsonIgnore
    public boolean incremental() {
        return INCREMENTAL.equals(type);
    }

    public Duration duration() {
        return Duration.between(startTime, stopTime);
    }
}
