package io.walden.restore;

import io.walden.codec.Digests;
import io.walden.codec.FrameIndex;
import io.walden.error.ParallelTasks;
import io.walden.repo.BlockMap;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.restore.FileChains.Chain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * For a restore in place: which files of the backup PGDATA does not already hold. A file is kept only when
 * its size and content match the manifest; size and time alone say nothing about the content. A large
 * file is compared block by block against its block map (64-bit hashes, many times cheaper than SHA-256
 * and stopping at the first block that differs); any other file by its SHA-256.
 */
final class ExistingFiles {
    /** Files from this size on are checked in parts, one per thread. */
    private static final long SPLIT_FROM = 64L << 20;
    /** One buffer per thread: thousands of files must not mean thousands of megabytes of garbage. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 20));

    private final Repository repository;
    private final String backupId;
    private final int jobs;

    ExistingFiles(Repository repository, String backupId, int jobs) {
        this.repository = repository;
        this.backupId = backupId;
        this.jobs = Math.max(1, jobs);
    }

    /** One check: a whole file, or one part of a large file's blocks. */
    private record Check(Chain chain, long bytes, Callable<Boolean> same) {}

    /**
     * What the comparison found of a file that differs: the backup's block map of it, when it has one, and when
     * its object is compressed in frames ({@link FrameIndex}), which of them differ; null when not known (never
     * without a map).
     */
    record Found(Optional<BlockMap> map, boolean[] differingFrames) {}

    /**
     * The chains whose file in PGDATA differs from the backup; {@code differs} hears of each as soon as the checks
     * know (once per chain, on a checking thread), with what they found, so the caller may start writing it at once
     * without reading the map again.
     */
    List<Chain> changed(List<Chain> chains, Function<Chain, Path> target, BiConsumer<Chain, Found> differs)
            throws IOException {
        List<Check> checks = new ArrayList<>();
        Set<Chain> told = ConcurrentHashMap.newKeySet();
        for (Chain c : chains) {
            Path file = target.apply(c);
            FileEntry f = c.file();
            Optional<BlockMap> map = f.size() >= SPLIT_FROM && jobs > 1 ? blockMap(f) : Optional.empty();
            if (map.isPresent()) {
                // a large file in parts, one per thread: checked whole, it would be the last check running alone
                checks.addAll(inParts(c, file, map.get(), told, differs));
            } else {
                checks.add(new Check(c, f.size(), () -> {
                    Optional<BlockMap> own = blockMap(f);
                    Optional<FrameIndex> frames = own.flatMap(m -> framesOf(m, f));
                    if (frames.isPresent()) {
                        boolean[] differing = new boolean[frames.get().frames()];
                        boolean same = own.get().compareFrames(file, BUFFER.get().array(), 0, own.get().count(),
                                frameBlocks(frames.get()), differing) & sameSize(file, f);
                        return tell(c, new Found(own, differing), told, differs, same);
                    }
                    return tell(c, new Found(own, null), told, differs, sameSize(file, f) && matches(file, f, own));
                }));
            }
        }
        // largest first: the longest check started last would run alone while the other threads idle
        checks.sort(Comparator.comparingLong(Check::bytes).reversed());
        List<Boolean> same = ParallelTasks.all(jobs, checks.stream().map(Check::same).toList(), "restore");
        Set<Chain> differ = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < checks.size(); i++) {
            if (!same.get(i)) {
                differ.add(checks.get(i).chain());
            }
        }
        return chains.stream().filter(differ::contains).toList();
    }

    /**
     * The checks of one large file, one part per thread. When its object is in frames, the parts end on frame
     * boundaries, every frame is compared (not just up to the first difference), and the chain is told once the
     * last part is done, with every frame that differs: the writer then fetches those only.
     */
    private List<Check> inParts(Chain c, Path file, BlockMap map, Set<Chain> told, BiConsumer<Chain, Found> differs) {
        FileEntry f = c.file();
        int blocks = map.count();
        int per = (blocks + jobs - 1) / jobs;
        Optional<FrameIndex> frames = framesOf(map, f);
        List<Check> parts = new ArrayList<>();
        if (frames.isEmpty()) {
            Found found = new Found(Optional.of(map), null);
            for (int from = 0; from < blocks; from += per) {
                int first = from;
                int end = Math.min(blocks, from + per);
                parts.add(new Check(c, (long) (end - first) * BlockRanges.BLOCK_SIZE, () -> tell(c, found, told, differs,
                        sameSize(file, f) && map.matchesFile(file, BUFFER.get().array(), first, end))));
            }
            return parts;
        }
        int frameBlocks = frameBlocks(frames.get());
        per = (per + frameBlocks - 1) / frameBlocks * frameBlocks;
        boolean[] differing = new boolean[frames.get().frames()];
        Found found = new Found(Optional.of(map), differing);
        AtomicInteger left = new AtomicInteger((blocks + per - 1) / per);
        AtomicBoolean anyDiffers = new AtomicBoolean();
        for (int from = 0; from < blocks; from += per) {
            int first = from;
            int end = Math.min(blocks, from + per);
            parts.add(new Check(c, (long) (end - first) * BlockRanges.BLOCK_SIZE, () -> {
                boolean same = map.compareFrames(file, BUFFER.get().array(), first, end, frameBlocks, differing)
                        & sameSize(file, f);
                if (!same) {
                    anyDiffers.set(true);
                }
                // the last part to end sees what every part wrote (the counter orders them)
                if (left.decrementAndGet() == 0 && anyDiffers.get()) {
                    tell(c, found, told, differs, false);
                }
                return same;
            }));
        }
        return parts;
    }

    /** A check's outcome, told to {@code differs} the first time any of the chain's checks finds a difference. */
    private static boolean tell(Chain chain, Found found, Set<Chain> told, BiConsumer<Chain, Found> differs, boolean same) {
        if (!same && told.add(chain)) {
            differs.accept(chain, found);
        }
        return same;
    }

    /** The frames of the file's object, when the map has them and they describe the file on block boundaries. */
    private static Optional<FrameIndex> framesOf(BlockMap map, FileEntry f) {
        return map.frames().filter(frames -> FramePatcher.describe(frames, map, f));
    }

    private static int frameBlocks(FrameIndex frames) {
        return frames.frameSize() / BlockRanges.BLOCK_SIZE;
    }

    private static boolean sameSize(Path file, FileEntry f) throws IOException {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == f.size();
    }

    /** A file of the right size: by its block map when the backup has one, else by SHA-256. */
    private static boolean matches(Path file, FileEntry f, Optional<BlockMap> map) throws IOException {
        if (map.isPresent()) {
            return map.get().matchesFile(file, BUFFER.get().array());
        }
        return f.sha256() != null && f.sha256().equals(sha256(file));
    }

    private Optional<BlockMap> blockMap(FileEntry f) {
        if (!f.blockMap() || f.object() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(BlockMap.read(repository, ObjectKeys.backupBlockMap(f.objectBackup(backupId), f.object())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // compared by SHA-256 instead
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Digests.sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = BUFFER.get().clear();
            while (ch.read(buffer) > 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
