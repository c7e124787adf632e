package io.walden.restore;

import io.walden.codec.Digests;
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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * For a restore in place: which files of the backup PGDATA does not already hold. A file is kept only when
 * its size and SHA-256 match the manifest; size and time alone say nothing about the content.
 */
final class ExistingFiles {
    /** One buffer per thread: thousands of files must not mean thousands of megabytes of garbage. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 20));

    private final int jobs;

    ExistingFiles(int jobs) {
        this.jobs = Math.max(1, jobs);
    }

    List<Chain> changed(List<Chain> chains, Function<Chain, Path> target) throws IOException {
        List<Callable<Boolean>> checks = new ArrayList<>();
        for (Chain c : chains) {
            checks.add(() -> matches(target.apply(c), c.file().size(), c.file().sha256()));
        }
        List<Boolean> same = ParallelTasks.all(jobs, checks);
        List<Chain> out = new ArrayList<>();
        for (int i = 0; i < chains.size(); i++) {
            if (!same.get(i)) {
                out.add(chains.get(i));
            }
        }
        return out;
    }

    private static boolean matches(Path file, long size, String sha256) throws IOException {
        if (sha256 == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
            return false;
        }
        MessageDigest digest = Digests.sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = BUFFER.get().clear();
            while (ch.read(buffer) > 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest()).equals(sha256);
    }
}
