package io.walden.restore;

import io.walden.codec.Digests;
import io.walden.error.ParallelTasks;
import io.walden.repo.BlockMap;
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
import java.util.function.Function;

/**
 * For a restore in place: which files of the backup PGDATA does not already hold. A file is kept only when
 * its size and content match the manifest; size and time alone say nothing about the content. A large
 * file is compared block by block against its block map (64-bit hashes, many times cheaper than SHA-256
 * and stopping at the first block that differs); any other file by its SHA-256.
 */
final class ExistingFiles {
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

    List<Chain> changed(List<Chain> chains, Function<Chain, Path> target) throws IOException {
        // largest first: the longest check started last would run alone while the other threads idle
        List<Chain> bySize = new ArrayList<>(chains);
        bySize.sort(Comparator.comparingLong((Chain c) -> c.file().size()).reversed());
        List<Callable<Boolean>> checks = new ArrayList<>();
        for (Chain c : bySize) {
            checks.add(() -> matches(target.apply(c), c.file()));
        }
        List<Boolean> same = ParallelTasks.all(jobs, checks, "restore");
        Set<Chain> differ = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < bySize.size(); i++) {
            if (!same.get(i)) {
                differ.add(bySize.get(i));
            }
        }
        return chains.stream().filter(differ::contains).toList();
    }

    private boolean matches(Path file, FileEntry f) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != f.size()) {
            return false;
        }
        Optional<BlockMap> map = blockMap(f);
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
