package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decodes a whole segment into its events and its {@link SegmentSummary}, in one pass with bounded memory
 * (one page and one record), so that a caller can scan thousands of segments one after the other.
 */
public final class SegmentScanner {

    /** Opens the segment after the one being scanned, needed only when its last record continues there. */
    @FunctionalInterface
    public interface NextSegment {
        NextSegment NONE = Optional::empty;

        /** The next segment's content from its start, or empty when it is not available; closed by the scanner. */
        Optional<InputStream> open() throws IOException;
    }

    private SegmentScanner() {
    }

    /** The summary of the segment {@code in} holds; a record running into the next segment is not counted. */
    public static SegmentSummary summarize(InputStream in) throws IOException {
        SegmentDecoder decoder = SegmentDecoder.open(in);
        // a summary needs commits, restore points and checkpoints; row and file events would be thrown away
        return scan(decoder, NextSegment.NONE, event -> { }, new EventDecoder(decoder.pgMajor(), false));
    }

    /**
     * Decodes the segment {@code in} holds, passing each event to {@code events} in WAL order, and returns its
     * summary. When the last record continues in the next segment, {@code next} is asked for it so that the
     * record (often a commit) is not lost between two segments.
     *
     * @throws NotASegmentException when {@code in} does not start with a segment's first page
     */
    public static SegmentSummary scan(InputStream in, NextSegment next, Consumer<? super WalEvent> events)
            throws IOException {
        return scan(SegmentDecoder.open(in), next, events);
    }

    /**
     * As {@link #scan(InputStream, NextSegment, Consumer)}, for a decoder opened by the caller (e.g. with the
     * segment name it expects), from which no record has been read yet.
     */
    public static SegmentSummary scan(SegmentDecoder decoder, NextSegment next, Consumer<? super WalEvent> events)
            throws IOException {
        return scan(decoder, next, events, new EventDecoder(decoder.pgMajor()));
    }

    private static SegmentSummary scan(SegmentDecoder decoder, NextSegment next, Consumer<? super WalEvent> events,
                                       EventDecoder eventDecoder) throws IOException {
        Tally tally = new Tally();
        for (Optional<WalRecord> r = decoder.next(); r.isPresent(); r = decoder.next()) {
            tally.add(r.get(), eventDecoder, events);
        }
        if (decoder.end().orElseThrow().reason() == SegmentEnd.Reason.INCOMPLETE_RECORD) {
            Optional<InputStream> following = next.open();
            if (following.isPresent()) {
                try (InputStream f = following.get()) {
                    decoder.finishWith(f).ifPresent(r -> tally.add(r, eventDecoder, events));
                }
            }
        }
        SegmentEnd end = decoder.end().orElseThrow();
        boolean badCrc = end.reason() == SegmentEnd.Reason.BAD_CRC;
        return new SegmentSummary(decoder.pgMajor(), Long.toUnsignedString(decoder.segmentHeader().systemIdentifier()),
                decoder.segmentHeader().segmentSize(), decoder.segmentHeader().timeline(), decoder.segmentStart(),
                tally.records, tally.firstRecord, tally.lastRecord, tally.lastRecordEnd, tally.firstCommit,
                tally.lastCommit, tally.commits, tally.aborts, tally.restorePoints, tally.checkpoints,
                end.reason() == SegmentEnd.Reason.SWITCH, !badCrc, badCrc ? end.lsn() : null, end);
    }

    /** The running counts behind a summary. */
    private static final class Tally {
        long records;
        Lsn firstRecord;
        Lsn lastRecord;
        Lsn lastRecordEnd;
        Instant firstCommit;
        Instant lastCommit;
        int commits;
        int aborts;
        int checkpoints;
        final List<RestorePoint> restorePoints = new ArrayList<>();

        void add(WalRecord record, EventDecoder decoder, Consumer<? super WalEvent> events) {
            records++;
            if (firstRecord == null) {
                firstRecord = record.lsn();
            }
            lastRecord = record.lsn();
            lastRecordEnd = record.end();
            Optional<WalEvent> event = decoder.decode(record);
            if (event.isEmpty()) {
                return;
            }
            switch (event.get()) {
                case TransactionEnd t when t.committed() -> {
                    commits++;
                    // commit times need not grow with LSN: a commit's time is taken before its record is inserted
                    if (firstCommit == null || t.time().isBefore(firstCommit)) {
                        firstCommit = t.time();
                    }
                    if (lastCommit == null || t.time().isAfter(lastCommit)) {
                        lastCommit = t.time();
                    }
                }
                case TransactionEnd t -> aborts++;
                case RestorePoint p -> restorePoints.add(p);
                case Checkpoint c -> checkpoints++;
                default -> { }
            }
            events.accept(event.get());
        }
    }
}
