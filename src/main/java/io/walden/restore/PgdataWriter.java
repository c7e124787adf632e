package io.walden.restore;

import io.walden.codec.Digests;
import io.walden.codec.FrameIndex;
import io.walden.codec.ObjectHeader;
import io.walden.codec.ObjectDecoder;
import io.walden.codec.ObjectTrailer;
import io.walden.error.CorruptObjectException;
import io.walden.error.FaultPoint;
import io.walden.error.ParallelTasks;
import io.walden.error.TaskGroup;
import io.walden.pg.DirectoryTree;
import io.walden.repo.BlockMap;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest;
import io.walden.repo.Manifest.DirEntry;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.MostlyChanged;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.restore.FileChains.Chain;
import io.walden.restore.FileChains.Piece;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Writes a backup's files into PGDATA: folders first, then every data object in parallel (for an
 * incremental backup, the whole files first and then the changed blocks of each later backup), each file
 * checked against its SHA-256 from the manifest and each object against its own checksum, and every file
 * flushed to disk before the restore goes on. pg_control is put in place last, so a PGDATA left half
 * written by a crash cannot be started by mistake.
 *
 * <p>In place ({@code --delta}), files already in PGDATA whose size and content match the backup are
 * kept, and what the backup does not have is removed ({@link StrayFiles}) while they are compared: the two
 * touch disjoint files, and removing gigabytes of old WAL takes the file system a while. A large file whose object
 * is in frames gets back only the frames where it differs ({@link FramePatcher}); one that is not is written over,
 * block by block where few of its blocks differ ({@link PatchWriter}).
 */
final class PgdataWriter {
    private static final int BUFFER = 128 * BlockRanges.BLOCK_SIZE;
    /** Files from this size on are written on a thread of their own while the next bytes are decoded. */
    private static final long OVERLAP_FROM = 8L << 20;
    /** For reading rebuilt files back: one buffer per thread, not one per file. */
    private static final ThreadLocal<ByteBuffer> READ_BACK = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));
    private static final String PG_CONTROL = "global/pg_control";
    private static final String PG_CONTROL_PENDING = "global/pg_control.walden-restore";

    private final Repository repository;
    private final Manifest manifest;
    private final FileChains chains;
    private final Path pgdata;
    private final int jobs;
    private final boolean inPlace;
    private final LongConsumer progress;
    private final BackgroundFlusher flusher = new BackgroundFlusher();
    /** In place: bytes of files that differ which already held the backup's content, block by block. */
    private final AtomicLong unchangedBlocks = new AtomicLong();
    /** In place: what the comparison found of the files that differ (block maps, frames that differ), by path. */
    private final Map<String, ExistingFiles.Found> foundChanged = new ConcurrentHashMap<>();

    PgdataWriter(Repository repository, Manifest manifest, FileChains chains, Path pgdata, int jobs, boolean inPlace,
                 LongConsumer progress) {
        this.repository = repository;
        this.manifest = manifest;
        this.chains = chains;
        this.pgdata = pgdata;
        this.jobs = Math.max(1, jobs);
        this.inPlace = inPlace;
        this.progress = progress;
    }

    /** A piece of one file's chain, to be written from the object it names. */
    private record Task(Chain chain, Piece piece) {}

    /**
     * In place: the bytes of PGDATA kept as they were (whole files, and {@code unchangedBlocks} of those in files
     * that differ), and the files removed because the backup does not have them.
     */
    record Written(long kept, long unchangedBlocks, int removed) {}

    Written write() throws IOException {
        try (flusher) {
            return writeAll();
        }
    }

    private Written writeAll() throws IOException {
        List<Chain> toWrite = new ArrayList<>();
        List<FileEntry> empty = new ArrayList<>();
        for (FileEntry f : manifest.files()) {
            if (f.object() == null && !f.isDelta()) {
                empty.add(f);
            } else {
                toWrite.add(chains.of(manifest, f));
            }
        }
        long kept = 0;
        int removed = 0;
        if (inPlace) {
            // what an interrupted restore left under pg_control's pending name goes first: the stray-file removal
            // below would take it away while the comparison might count it as already there
            Files.deleteIfExists(pgdata.resolve(PG_CONTROL_PENDING));
            // the folders first, so that a file found to differ can be written at once
            createDirectories();
            Set<Chain> alone = largeAndAlone(toWrite);
            Set<Chain> writtenEarly = ConcurrentHashMap.newKeySet();
            List<Chain> changed;
            try (TaskGroup strays = new TaskGroup(1, "restore"); TaskGroup early = new TaskGroup(jobs, "restore")) {
                Future<Integer> strayCount = strays.submit(() -> StrayFiles.remove(pgdata, manifest));
                // a large file that differs is written while the others are still compared: the disk starts sooner
                changed = new ExistingFiles(repository, manifest.id(), jobs).changed(toWrite, chain -> target(chain.file().path()),
                        (chain, found) -> {
                            foundChanged.put(chain.file().path(), found);
                            if (alone.contains(chain) && writtenEarly.add(chain)) {
                                early.submit(() -> {
                                    writeOver(chain);
                                    return null;
                                });
                            }
                        });
                early.awaitAll();
                strays.awaitAll();
                removed = strayCount.resultNow();
            }
            kept = toWrite.stream().mapToLong(c -> c.file().size()).sum() - changed.stream().mapToLong(c -> c.file().size()).sum();
            toWrite = new ArrayList<>();
            for (Chain c : changed) {
                if (!writtenEarly.contains(c)) {
                    clearForOverwrite(target(c.file().path()));
                    toWrite.add(c);
                }
            }
        } else {
            createDirectories();
        }
        for (FileEntry f : empty) {
            Path target = target(f.path());
            Files.deleteIfExists(target);
            Files.createDirectories(target.getParent());
            Files.write(target, new byte[0]);
            Files.setPosixFilePermissions(target, permissions(f.mode()));
        }
        int depth = toWrite.stream().mapToInt(c -> c.pieces().size()).max().orElse(0);
        for (int phase = 0; phase < depth; phase++) {
            Map<String, List<Task>> byObject = new LinkedHashMap<>();
            for (Chain c : toWrite) {
                if (phase < c.pieces().size() && c.pieces().get(phase).object() != null) {
                    Piece p = c.pieces().get(phase);
                    byObject.computeIfAbsent(p.backup() + "/" + p.object(), k -> new ArrayList<>()).add(new Task(c, p));
                }
            }
            boolean first = phase == 0;
            // largest object first: it is the longest task, and started after the small ones it would finish alone
            List<List<Task>> objects = new ArrayList<>(byObject.values());
            objects.sort(Comparator.comparingLong(PgdataWriter::bytes).reversed());
            runAll(objects.stream().<Callable<Void>>map(tasks -> () -> {
                if (first) {
                    writeWholeFiles(tasks);
                } else {
                    writeBlocks(tasks);
                }
                FaultPoint.reach("restore.mid-write");
                return null;
            }).toList());
        }
        runAll(toWrite.stream().filter(Chain::rebuilt).<Callable<Void>>map(c -> () -> {
            checkRebuilt(c);
            return null;
        }).toList());
        flusher.awaitAll();
        writeText("backup_label", manifest.backupLabel());
        if (manifest.tablespaceMap() != null && !manifest.tablespaceMap().isEmpty()) {
            writeText("tablespace_map", manifest.tablespaceMap());
        }
        Path pendingControl = pgdata.resolve(PG_CONTROL_PENDING);
        FaultPoint.reach("restore.before-pg-control");
        if (Files.exists(pendingControl)) {
            Files.move(pendingControl, pgdata.resolve(PG_CONTROL), StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(pendingControl.getParent());
        }
        return new Written(kept + unchangedBlocks.get(), unchangedBlocks.get(), removed);
    }

    private void createDirectories() throws IOException {
        for (DirEntry d : manifest.directories().stream().sorted(Comparator.comparing(DirEntry::path)).toList()) {
            Path dir = inside(d.path());
            if (inPlace && Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(dir); // a file or a symlink where the backup has a folder
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions(d.mode() == 0 ? 0700 : d.mode()));
        }
    }

    /**
     * Large files whose chain is one whole file, the only one of the backup's files in its object: worth writing
     * early, and never pg_control, which goes under its pending name that the stray-file removal does not know.
     */
    private static Set<Chain> largeAndAlone(List<Chain> chains) {
        Map<String, Integer> users = new HashMap<>();
        for (Chain c : chains) {
            Piece p = c.pieces().get(0);
            users.merge(p.backup() + "/" + p.object(), 1, Integer::sum);
        }
        Set<Chain> alone = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Chain c : chains) {
            Piece p = c.pieces().get(0);
            if (c.file().size() >= OVERLAP_FROM && c.pieces().size() == 1 && p.object() != null
                    && users.get(p.backup() + "/" + p.object()) == 1) {
                alone.add(c);
            }
        }
        return alone;
    }

    /** In place: one file that differs, written from its object as soon as the comparison found it. */
    private void writeOver(Chain chain) throws IOException {
        clearForOverwrite(target(chain.file().path()));
        writeWholeFiles(new ArrayList<>(List.of(new Task(chain, chain.pieces().get(0)))));
        FaultPoint.reach("restore.mid-write");
    }

    /**
     * A regular file is overwritten where it is: its blocks stay allocated and its pages cached, where deleting it
     * would free them (and discard them on an SSD) only to allocate them again. Anything else goes: a symlink must
     * not be written through, and a file with another hard link (a snapshot made with cp -al) must not change under
     * that other name.
     */
    private static void clearForOverwrite(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || links(target) > 1)) {
            DirectoryTree.delete(target);
        }
    }

    private static int links(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    }

    private static long bytes(List<Task> tasks) {
        return tasks.stream().mapToLong(t -> t.piece().length()).sum();
    }

    /** Files that are whole in an object (the first piece of every chain), read in one pass over it. */
    private void writeWholeFiles(List<Task> tasks) throws IOException {
        tasks.sort(Comparator.comparingLong(t -> t.piece().offset()));
        Piece firstPiece = tasks.get(0).piece();
        if (inPlace && tasks.size() == 1 && firstPiece.offset() == 0 && !tasks.get(0).chain().rebuilt()
                && writeFrames(tasks.get(0).chain().file(), firstPiece)) {
            return;
        }
        byte[] buffer = new byte[BUFFER];
        // An object holding one whole file is checked once: its own checksum is the file's.
        boolean wholeObject = tasks.size() == 1 && firstPiece.offset() == 0;
        try (ObjectDecoder in = repository.read(ObjectKeys.backupData(firstPiece.backup(), firstPiece.object()))) {
            long position = 0;
            for (Task t : tasks) {
                Piece p = t.piece();
                if (p.offset() < position) {
                    throw new CorruptObjectException("files of backup " + manifest.id() + " overlap in object " + p.object());
                }
                in.skipNBytes(p.offset() - position);
                boolean hash = !wholeObject && !t.chain().rebuilt() && t.chain().file().sha256() != null;
                writeFile(in, t.chain().file(), p, buffer, hash);
                position = p.offset() + p.length();
            }
            ObjectTrailer trailer = in.verifyToEnd();
            FileEntry only = tasks.get(0).chain().file();
            if (wholeObject && !tasks.get(0).chain().rebuilt() && (trailer.plainLength() != only.size()
                    || (only.sha256() != null && !trailer.sha256Hex().equals(only.sha256())))) {
                throw checksumFailure(only);
            }
        }
    }

    /**
     * In place: a file alone in an object compressed in frames is brought back frame by frame, fetching only the
     * frames where it differs ({@link FramePatcher}); false, and nothing done, when its object has no usable frames.
     */
    private boolean writeFrames(FileEntry f, Piece piece) throws IOException {
        ExistingFiles.Found found = foundChanged.get(f.path());
        if (found == null || found.differingFrames() == null || piece.length() != f.size()) {
            return false;
        }
        BlockMap map = found.map().get();
        FrameIndex frames = map.frames().orElseThrow();
        Path target = target(f.path());
        // the frames were compared through what stood here; a symlink or a hard-linked file has been removed since
        // (clearForOverwrite), and a file made new must be written whole
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        String key = ObjectKeys.backupData(piece.backup(), piece.object());
        ObjectHeader header = repository.header(key);
        if (header.encrypted()) {
            return false;
        }
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FramePatcher.Patched patched = new FramePatcher(repository, jobs, progress).patch(key, header, f, map, frames,
                    found.differingFrames(), out);
            unchangedBlocks.addAndGet(patched.unchanged());
        }
        Files.setPosixFilePermissions(target, permissions(f.mode()));
        flusher.flush(target);
        return true;
    }

    private void writeFile(ObjectDecoder in, FileEntry f, Piece piece, byte[] buffer, boolean hash) throws IOException {
        Path target = target(f.path());
        MessageDigest digest = hash ? Digests.sha256() : null;
        // in place, a file that differs is written over (no symlink gets here: see writeAll); otherwise it is new
        StandardOpenOption create = inPlace ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW;
        try (FileChannel out = FileChannel.open(target, create, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (inPlace && piece.length() >= OVERLAP_FROM && out.size() > 0 && fewBlocksDiffer(target, f)) {
                PatchWriter patch = new PatchWriter(out, buffer.length);
                copy(in, f, piece, buffer, digest, patch::write);
                unchangedBlocks.addAndGet(patch.unchanged());
            } else if (piece.length() >= OVERLAP_FROM) {
                try (OverlappedFileWriter writer = new OverlappedFileWriter(out, buffer.length)) {
                    copy(in, f, piece, buffer, digest, writer::write);
                }
            } else {
                copy(in, f, piece, buffer, digest, (b, n) -> writeAll(out, b, n, -1));
            }
            if (digest != null && !HexFormat.of().formatHex(digest.digest()).equals(f.sha256())) {
                throw checksumFailure(f);
            }
            if (out.size() > piece.length()) {
                out.truncate(piece.length()); // what was longer in place
            }
        }
        Files.setPosixFilePermissions(target, permissions(f.mode()));
        flusher.flush(target);
    }

    /**
     * In place: whether the file as it is now differs from the backup's in few of its blocks (judged against the
     * backup's block map the comparison read), so that comparing block by block and writing only those is worth
     * it. Without a map: no, the file is written over.
     */
    private boolean fewBlocksDiffer(Path target, FileEntry f) throws IOException {
        ExistingFiles.Found found = foundChanged.get(f.path());
        return found != null && found.map().isPresent() && !MostlyChanged.test(target, found.map().get());
    }

    @FunctionalInterface
    private interface Sink {
        void write(byte[] buffer, int length) throws IOException;
    }

    private void copy(ObjectDecoder in, FileEntry f, Piece piece, byte[] buffer, MessageDigest digest, Sink sink) throws IOException {
        long left = piece.length();
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new CorruptObjectException("object " + piece.object() + " of backup " + piece.backup()
                        + " ends before file " + f.path() + " does");
            }
            if (digest != null) {
                digest.update(buffer, 0, n);
            }
            sink.write(buffer, n);
            left -= n;
            progress.accept(n);
        }
    }

    /** The changed blocks one incremental backup stored of each file, written over the older content. */
    private void writeBlocks(List<Task> tasks) throws IOException {
        tasks.sort(Comparator.comparingLong(t -> t.piece().offset()));
        Piece firstPiece = tasks.get(0).piece();
        byte[] block = new byte[BlockRanges.BLOCK_SIZE];
        try (ObjectDecoder in = repository.read(ObjectKeys.backupData(firstPiece.backup(), firstPiece.object()))) {
            long position = 0;
            for (Task t : tasks) {
                Piece p = t.piece();
                in.skipNBytes(p.offset() - position);
                try (FileChannel out = FileChannel.open(target(t.chain().file().path()), StandardOpenOption.WRITE)) {
                    for (int b : p.blocks()) {
                        int length = BlockRanges.blockLength(b, p.fileSize());
                        if (in.readNBytes(block, 0, length) != length) {
                            throw new CorruptObjectException("object " + p.object() + " of backup " + p.backup()
                                    + " ends before the blocks of file " + t.chain().file().path() + " do");
                        }
                        writeAll(out, block, length, (long) b * BlockRanges.BLOCK_SIZE);
                        progress.accept(length);
                    }
                    if (out.size() > p.fileSize()) {
                        out.truncate(p.fileSize());
                    }
                }
                position = p.offset() + p.length();
            }
            in.verifyToEnd();
        }
    }

    /** A file rebuilt from several backups is read back once: its checksum is the proof the chain was whole. */
    private void checkRebuilt(Chain chain) throws IOException {
        FileEntry f = chain.file();
        Path target = target(f.path());
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() != f.size()) {
                throw new CorruptObjectException("file " + f.path() + " rebuilt from backup " + manifest.id() + " and its parents has "
                        + ch.size() + " bytes, the manifest says " + f.size());
            }
            if (f.sha256() != null) {
                MessageDigest digest = Digests.sha256();
                ByteBuffer buffer = READ_BACK.get().clear();
                while (ch.read(buffer) > 0) {
                    buffer.flip();
                    digest.update(buffer);
                    buffer.clear();
                }
                if (!HexFormat.of().formatHex(digest.digest()).equals(f.sha256())) {
                    throw checksumFailure(f);
                }
            }
            ch.force(false);
        }
        Files.setPosixFilePermissions(target, permissions(f.mode()));
    }

    private CorruptObjectException checksumFailure(FileEntry f) {
        String object = f.object() == null ? "" : " (object " + ObjectKeys.backupData(f.objectBackup(manifest.id()), f.object()) + ")";
        return new CorruptObjectException("file " + f.path() + object + " restored from backup " + manifest.id()
                + " fails its checksum");
    }

    private static void writeAll(FileChannel out, byte[] buffer, int length, long position) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buffer, 0, length);
        while (bb.hasRemaining()) {
            if (position < 0) {
                out.write(bb);
            } else {
                position += out.write(bb, position);
            }
        }
    }

    /** Where a file of the manifest goes; pg_control under a name the server ignores until the end. */
    private Path target(String path) {
        return inside(path.equals(PG_CONTROL) ? PG_CONTROL_PENDING : path);
    }

    /** A manifest naming a path outside PGDATA is damaged or forged: nothing is written there. */
    private Path inside(String path) {
        Path p = pgdata.resolve(path).normalize();
        if (path.isEmpty() || path.startsWith("/") || !p.startsWith(pgdata) || p.equals(pgdata)) {
            throw new CorruptObjectException("the manifest of backup " + manifest.id() + " names '" + path
                    + "', which is not a path inside PGDATA; nothing was written there");
        }
        return p;
    }

    private void writeText(String name, String content) throws IOException {
        Path p = pgdata.resolve(name);
        try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            out.force(false);
        }
        Files.setPosixFilePermissions(p, permissions(0600));
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private void runAll(List<Callable<Void>> tasks) throws IOException {
        ParallelTasks.all(jobs, tasks, "restore");
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
}
