package io.walden.backup;

import io.walden.codec.Digests;
import io.walden.codec.FrameIndex;
import io.walden.repo.BlockMap;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest.DataObject;
import io.walden.repo.MostlyChanged;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Reads the files of one plan unit from PGDATA and stores them as one data object. Files are read to
 * their end as it is now: a file that grew or shrank since the scan is copied as it is, one that
 * vanished is left out; WAL replay from the backup's start makes the copy consistent.
 *
 * <p>With a parent backup (incremental), a small file whose checksum the parent has is not stored again,
 * and a large file stores only the blocks whose hash differs from the parent's block map, unless most of
 * them differ ({@link MostlyChanged}): then it is stored whole, as in a full backup.
 */
final class UnitCopier {
    /** A whole number of blocks, so each read of a large file hashes whole blocks. */
    private static final int BUFFER = 128 * BlockRanges.BLOCK_SIZE;

    private final Repository repository;
    /** For objects of one large file: compressed on every core, so the largest file does not finish alone. */
    private final Repository wide;
    private final String backupId;
    private final Path pgdata;
    private final Optional<ParentBackup> parent;
    private final LongConsumer progress;

    UnitCopier(Repository repository, String backupId, Path pgdata, Optional<ParentBackup> parent, int jobs,
               LongConsumer progress) {
        this.repository = repository;
        this.wide = repository.withCodec(repository.codec().withWorkers(jobs));
        this.backupId = backupId;
        this.pgdata = pgdata;
        this.parent = parent;
        this.progress = progress;
    }

    /** What a unit became: its object (empty when nothing needed storing), the files, the block map's size. */
    record Copied(Optional<DataObject> object, List<FileEntry> files, long mapStoredSize) {}

    Copied copy(BackupPlan.Unit unit) throws IOException {
        if (unit.bundle()) {
            return parent.isPresent() ? copyChangedFiles(unit, parent.get()) : copyBundle(unit);
        }
        SourceFile file = unit.files().get(0);
        Optional<FileEntry> before = parent.flatMap(p -> p.file(file.path())).filter(FileEntry::blockMap);
        Optional<BlockMap> oldMap = before.flatMap(b -> readMap(b, parent.get()));
        if (oldMap.isPresent() && !MostlyChanged.test(pgdata.resolve(file.path()), oldMap.get())) {
            return copyChangedBlocks(unit, file, parent.get(), before.get(), oldMap.get());
        }
        return copyWhole(unit, file);
    }

    // ---- full copies -------------------------------------------------------------------------------

    private Copied copyBundle(BackupPlan.Unit unit) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        Repository.Written written = write(unit, out -> {
            long offset = 0;
            for (SourceFile f : unit.files()) {
                MessageDigest digest = Digests.sha256();
                long n = copyFile(f, buffer, (b, len) -> {
                    out.write(b, 0, len);
                    digest.update(b, 0, len);
                });
                if (n < 0) {
                    continue; // vanished
                }
                entries.add(new FileEntry(f.path(), n, f.mode(), hex(digest.digest()), unit.objectName(), offset));
                offset += n;
            }
        });
        return new Copied(Optional.of(dataObject(unit, written)), entries, 0);
    }

    /** A large file, whole, with its block map for the next incremental backup. */
    private Copied copyWhole(BackupPlan.Unit unit, SourceFile f) throws IOException {
        BlockMap map = new BlockMap();
        long[] size = {-1};
        byte[] buffer = new byte[BUFFER];
        Repository.Written written = write(unit, out -> size[0] = copyFile(f, buffer, (b, len) -> {
            out.write(b, 0, len);
            map.addBlocks(b, len);
        }));
        if (size[0] < 0) {
            repository.storage().delete(ObjectKeys.backupData(backupId, unit.objectName()));
            return new Copied(Optional.empty(), List.of(), 0); // vanished
        }
        long mapSize = writeMap(unit, map, written.frames());
        // a single-file object's checksum is the file's checksum: no need to hash twice
        FileEntry entry = new FileEntry(f.path(), size[0], f.mode(), written.trailer().sha256Hex(), unit.objectName(), 0,
                null, null, null, true);
        return new Copied(Optional.of(dataObject(unit, written)), List.of(entry), mapSize);
    }

    // ---- incremental copies ------------------------------------------------------------------------

    /** A small file as read, with its checksum, waiting to go into the bundle. */
    private record ChangedFile(SourceFile file, byte[] bytes, String sha256) {}

    /** Small files: read each (they are under a megabyte), keep the parent's copy when the checksum matches. */
    private Copied copyChangedFiles(BackupPlan.Unit unit, ParentBackup parent) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        List<ChangedFile> changed = new ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        for (SourceFile f : unit.files()) {
            ByteArrayOutputStream content = new ByteArrayOutputStream((int) Math.min(f.size(), BUFFER));
            if (copyFile(f, buffer, (b, len) -> content.write(b, 0, len)) < 0) {
                continue; // vanished
            }
            byte[] bytes = content.toByteArray();
            String sha = hex(Digests.sha256().digest(bytes));
            Optional<FileEntry> before = parent.file(f.path())
                    .filter(e -> !e.isDelta() && e.size() == bytes.length && sha.equals(e.sha256()));
            if (before.isPresent()) {
                entries.add(parent.unchanged(before.get(), f.mode()));
            } else {
                changed.add(new ChangedFile(f, bytes, sha));
            }
        }
        if (changed.isEmpty()) {
            return new Copied(Optional.empty(), entries, 0);
        }
        Repository.Written written = write(unit, out -> {
            long offset = 0;
            for (ChangedFile c : changed) {
                out.write(c.bytes());
                entries.add(new FileEntry(c.file().path(), c.bytes().length, c.file().mode(), c.sha256(), unit.objectName(), offset));
                offset += c.bytes().length;
            }
        });
        return new Copied(Optional.of(dataObject(unit, written)), entries, 0);
    }

    /**
     * A large file the parent has a block map of: a first pass stops at the first block that differs (most
     * files of a big database do not change between backups); a changed file is read again, storing the
     * blocks that differ. The second pass decides alone, so a block that changes between the passes is caught.
     */
    private Copied copyChangedBlocks(BackupPlan.Unit unit, SourceFile f, ParentBackup parent, FileEntry before, BlockMap old)
            throws IOException {
        byte[] buffer = new byte[BUFFER];
        if (f.size() == before.size() && old.matchesFile(pgdata.resolve(f.path()), buffer)) {
            progress.accept(f.size());
            return new Copied(Optional.empty(), List.of(parent.unchanged(before, f.mode())), 0);
        }
        BlockMap map = new BlockMap();
        MessageDigest digest = Digests.sha256();
        ChangedBlocks changed = new ChangedBlocks();
        long[] size = {-1};
        Repository.Written written = write(unit, out -> size[0] = copyFile(f, buffer, (b, len) -> {
            digest.update(b, 0, len);
            for (int off = 0; off < len; off += BlockRanges.BLOCK_SIZE) {
                int blockLen = Math.min(BlockRanges.BLOCK_SIZE, len - off);
                long h = BlockMap.hash(b, off, blockLen);
                int block = map.count();
                map.add(h);
                if (!old.matches(block, h)) {
                    out.write(b, off, blockLen);
                    changed.add(block);
                }
            }
        }));
        if (size[0] < 0) {
            repository.storage().delete(ObjectKeys.backupData(backupId, unit.objectName()));
            return new Copied(Optional.empty(), List.of(), 0); // vanished
        }
        // the object holds only the changed blocks: its frames are not the file's
        long mapSize = writeMap(unit, map, Optional.empty());
        FileEntry entry = new FileEntry(f.path(), size[0], f.mode(), hex(digest.digest()), unit.objectName(), 0,
                null, parent.id(), changed.ranges(), true);
        return new Copied(Optional.of(dataObject(unit, written)), List.of(entry), mapSize);
    }

    /**
     * The parent's block map of a file; empty when it cannot be read, and the file is then stored whole: a
     * damaged map must cost space, never a failed backup or a wrong one.
     */
    private Optional<BlockMap> readMap(FileEntry before, ParentBackup parent) {
        try {
            return Optional.of(BlockMap.read(repository, ObjectKeys.backupBlockMap(before.objectBackup(parent.id()), before.object())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Chunks {
        void accept(byte[] buffer, int length) throws IOException;
    }

    /** Feeds a file to its end in whole-buffer chunks; returns the bytes read, or -1 if it no longer exists. */
    private long copyFile(SourceFile f, byte[] buffer, Chunks chunks) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(pgdata.resolve(f.path()), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return -1;
        }
        long total = 0;
        try (ch) {
            while (true) {
                int n = BlockMap.fill(ch, buffer);
                if (n <= 0) {
                    break;
                }
                chunks.accept(buffer, n);
                total += n;
                progress.accept(n);
            }
        }
        return total;
    }

    private Repository.Written write(BackupPlan.Unit unit, Repository.BodyWriter body) throws IOException {
        return (unit.bundle() ? repository : wide).write(ObjectKeys.backupData(backupId, unit.objectName()),
                "{\"type\":\"backup-data\"}", false, body);
    }

    private long writeMap(BackupPlan.Unit unit, BlockMap map, Optional<FrameIndex> frames) throws IOException {
        return map.write(repository, ObjectKeys.backupBlockMap(backupId, unit.objectName()), frames);
    }

    /** Block numbers in ascending order, as they are found. */
    private static final class ChangedBlocks {
        private int[] blocks = new int[64];
        private int count;

        void add(int block) {
            if (count == blocks.length) {
                blocks = Arrays.copyOf(blocks, count * 2);
            }
            blocks[count++] = block;
        }

        String ranges() {
            return BlockRanges.format(blocks, count);
        }
    }

    private static DataObject dataObject(BackupPlan.Unit unit, Repository.Written written) {
        return new DataObject(unit.objectName(), written.trailer().plainLength(), written.storedSize(), written.trailer().sha256Hex());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
