package io.walden.wal.stream;

import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.repo.WalMetadata;
import io.walden.wal.WalFileName;
import io.walden.wal.archive.WalPusher;
import io.walden.wal.decode.SegmentScanner;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Makes streamed WAL durable in the repository. A segment still being received is stored as
 * {@code <segment>.partial}, replaced as it grows and holding exactly the bytes received (wal-fetch pads it to
 * a whole segment when it serves it). A complete segment goes through {@link WalPusher}, the code wal-push
 * uses, so archive_command pushing the same segment finds identical content and succeeds; its partial object
 * is then removed.
 */
final class StreamStore {
    private final Repository repository;
    private final WalPusher pusher;

    StreamStore(Repository repository) {
        this.repository = repository;
        this.pusher = new WalPusher(repository);
    }

    static String partialKey(SegmentStaging staging) {
        return ObjectKeys.wal(WalFileName.parse(staging.segment().name() + ".partial").orElseThrow());
    }

    /**
     * Stores the first {@code length} bytes of the staged segment as its partial object; durable on return. The
     * bytes are read from the staging file twice (decode, then upload), never held in memory: this runs every
     * second with up to a whole segment.
     */
    void storePartial(SegmentStaging staging, long length) throws IOException {
        Optional<SegmentSummary> summary;
        try (InputStream in = staging.openPrefix(length)) {
            summary = summarize(in);
        }
        String name = staging.segment().name() + ".partial";
        repository.write(partialKey(staging), WalMetadata.json(name, summary), false, out -> staging.copyPrefix(length, out));
    }

    /** Stores the complete staged segment as wal-push would, then drops its partial object and the local copy. */
    void storeComplete(SegmentStaging staging) throws IOException {
        staging.close();
        pusher.push(staging.path());
        repository.storage().delete(partialKey(staging));
        java.nio.file.Files.deleteIfExists(staging.path()); // stored: keeping it would fill the disk segment by segment
    }

    /** Stores a whole WAL file (a timeline history) as wal-push would. */
    void pushFile(java.nio.file.Path file) throws IOException {
        pusher.push(file);
    }

    /** Commit times and restore points of the partial, for status and time targets; none if it cannot be decoded. */
    private static Optional<SegmentSummary> summarize(InputStream content) {
        try {
            return Optional.of(SegmentScanner.summarize(content));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
