package io.walden.wal.stream;

import io.walden.repo.ArchivedWal;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;

import java.util.List;
import java.util.Optional;

/**
 * Where streaming of a timeline starts, from what the repository already holds: the segment after the newest
 * complete one, or the newest partial segment again from its start (its bytes are streamed anew and its stored
 * length is kept, so the partial object never shrinks). Streaming always starts at a segment boundary so the
 * staging file becomes a whole segment.
 *
 * @param segment        the segment streaming starts with
 * @param storedPartial  bytes of {@code segment} already durable as a partial object (0 if none)
 */
public record ResumePoint(SegmentName segment, long storedPartial) {

    /** The durable end: everything before it is in the repository. */
    public Lsn durableEnd() {
        return segment.startLsn().plus(storedPartial);
    }

    /**
     * From the repository's WAL of {@code timeline}; empty when it has none, so the caller starts at the slot.
     * {@code partialLength} reads a partial object's plaintext length.
     */
    public static Optional<ResumePoint> of(List<ArchivedWal> wal, int timeline, long segmentSize,
                                           java.util.function.ToLongFunction<ArchivedWal> partialLength) {
        long newestFull = -1;
        ArchivedWal newestPartial = null;
        long newestPartialNumber = -1;
        for (ArchivedWal w : wal) {
            if (w.file().timeline() != timeline) {
                continue;
            }
            if (w.file().kind() == WalFileName.Kind.SEGMENT) {
                newestFull = Math.max(newestFull, SegmentName.parse(w.file().name(), segmentSize).segmentNumber());
            } else if (w.file().kind() == WalFileName.Kind.PARTIAL) {
                long n = SegmentName.parse(w.file().name().substring(0, 24), segmentSize).segmentNumber();
                if (n > newestPartialNumber) {
                    newestPartialNumber = n;
                    newestPartial = w;
                }
            }
        }
        if (newestPartial != null && newestPartialNumber > newestFull) {
            return Optional.of(new ResumePoint(new SegmentName(timeline, newestPartialNumber, segmentSize),
                    partialLength.applyAsLong(newestPartial)));
        }
        if (newestFull >= 0) {
            return Optional.of(new ResumePoint(new SegmentName(timeline, newestFull + 1, segmentSize), 0));
        }
        return Optional.empty();
    }
}
