package io.walden.wal.decode;

import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalPageHeader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

import static io.walden.wal.decode.PageHeader.PAGE_SIZE;

/**
 * Reads the records of one WAL segment in order, holding one page and one record in memory. Every record
 * returned passed its CRC and points back (xl_prev) at the record before it.
 *
 * <p>A record belongs to the segment it starts in. A segment starting with the rest of a record from the
 * segment before skips that rest; a record running into the next segment ends decoding with
 * {@link SegmentEnd.Reason#INCOMPLETE_RECORD}, and {@link #finishWith(InputStream)} can complete it from the
 * next segment. Decoding stops at the first thing that is not a valid record: {@link #end()} says what and
 * where.
 *
 * <pre>{@code
 * SegmentDecoder decoder = SegmentDecoder.open(in);
 * for (Optional<WalRecord> r = decoder.next(); r.isPresent(); r = decoder.next()) { ... }
 * SegmentEnd end = decoder.end().orElseThrow();
 * }</pre>
 */
public final class SegmentDecoder {
    /** PostgreSQL refuses to build records of 1 GB or more; a larger length is garbage. */
    private static final long MAX_RECORD_LENGTH = (1L << 30) - 1;
    private static final int XLOG_SWITCH = 0x40;

    private final WalPageHeader segmentHeader;
    private final int pgMajor;
    private final long segmentEnd;
    private final RecordParser parser;
    private PageReader pages;
    /** The loaded page was just opened and its content is not yet consumed (the next segment's first page). */
    private boolean pageUnread;

    /** Where the next record starts, or the byte after the data gathered so far while assembling. */
    private long position;
    /** The start of the record returned last, or -1 before the first. */
    private long previous = -1;
    private SegmentEnd end;
    private boolean incomplete;

    // the record being assembled; the buffer (at least a page, for the first piece) is reused and only grows
    private byte[] buffer = new byte[PAGE_SIZE];
    private long recordStart;
    private int recordLength;
    private int gathered;
    private boolean headerChecked;

    private SegmentDecoder(PageReader pages) throws IOException {
        this.pages = pages;
        this.segmentHeader = pages.segmentHeader();
        this.pgMajor = pages.pgMajor();
        this.segmentEnd = pages.segmentEnd();
        this.parser = new RecordParser(pgMajor);
        this.position = pages.segmentStart() + pages.header().length();
        if (pages.header().isContinuation()) {
            skipContinuation();
        }
    }

    /**
     * Starts decoding the segment {@code in} holds, reading its first page.
     *
     * @throws NotASegmentException when the first page is not that of a segment of PostgreSQL 13 to 17 (or 18)
     */
    public static SegmentDecoder open(InputStream in) throws IOException {
        return new SegmentDecoder(PageReader.open(in));
    }

    /**
     * As {@link #open(InputStream)}, for the file named {@code expected}: a recycled segment file keeps the WAL
     * of the segment it was before it is overwritten, and that WAL must not be read as the named segment's.
     *
     * @throws NotASegmentException also when the first page is not that of {@code expected}
     */
    public static SegmentDecoder open(InputStream in, SegmentName expected) throws IOException {
        SegmentDecoder decoder = open(in);
        WalPageHeader h = decoder.segmentHeader;
        if (h.segmentSize() != expected.segmentSize() || h.pageAddress() != expected.startLsn().value()) {
            throw new NotASegmentException("the file named " + expected + " holds the WAL at " + new Lsn(h.pageAddress())
                    + " of a " + h.segmentSize() + "-byte segment, not at " + expected.startLsn() + " (a recycled file?)");
        }
        return decoder;
    }

    /** The segment's long page header: system identifier, segment size, magic number. */
    public WalPageHeader segmentHeader() {
        return segmentHeader;
    }

    /** The PostgreSQL major that wrote the segment, from its page magic number. */
    public int pgMajor() {
        return pgMajor;
    }

    public Lsn segmentStart() {
        return new Lsn(segmentHeader.pageAddress());
    }

    /** Why and where decoding stopped; empty while {@link #next()} may still return records. */
    public Optional<SegmentEnd> end() {
        return Optional.ofNullable(end);
    }

    /** The next valid record, or empty when decoding stopped (see {@link #end()}). */
    public Optional<WalRecord> next() throws IOException {
        while (end == null) {
            if (position == segmentEnd) {
                stop(SegmentEnd.Reason.SEGMENT_END, position, "the last record ends at the end of the segment");
                break;
            }
            int offset = (int) (position & (PAGE_SIZE - 1));
            if (offset == 0) {
                if (!nextPage(position)) {
                    break;
                }
                PageHeader header = pages.header();
                if (header.isContinuation()) {
                    stop(SegmentEnd.Reason.BAD_PAGE_HEADER, position, "the page at " + new Lsn(position)
                            + " continues a record, but the record before it ended on the page before");
                    break;
                }
                offset = header.length();
                position += offset;
            }
            byte[] page = pages.page();
            long length = LittleEndian.u32(page, offset);
            if (length == 0) {
                stop(SegmentEnd.Reason.END_OF_WAL, position, "no record was written at " + new Lsn(position));
                break;
            }
            if (length < RecordParser.HEADER_LENGTH || length > MAX_RECORD_LENGTH) {
                stop(SegmentEnd.Reason.BAD_RECORD_HEADER, position,
                        "the record at " + new Lsn(position) + " claims an impossible length of " + length + " bytes");
                break;
            }
            recordStart = position;
            recordLength = (int) length;
            int n = Math.min(PAGE_SIZE - offset, recordLength);
            System.arraycopy(page, offset, buffer, 0, n);
            gathered = n;
            position += n;
            headerChecked = false;
            Optional<WalRecord> record = gather();
            if (record.isPresent()) {
                return record;
            }
            // empty and not stopped: crash recovery abandoned the record; new WAL starts at position
        }
        return Optional.empty();
    }

    /**
     * Completes the record that runs into the next segment, reading the first pages of {@code nextSegment}.
     * Afterwards decoding has stopped for good: the records after it belong to the next segment.
     *
     * @return the completed record, or empty when the next segment does not continue it (see {@link #end()})
     * @throws IllegalStateException unless decoding stopped with {@link SegmentEnd.Reason#INCOMPLETE_RECORD}
     */
    public Optional<WalRecord> finishWith(InputStream nextSegment) throws IOException {
        if (!incomplete) {
            throw new IllegalStateException("the segment does not end with an incomplete record: " + end);
        }
        incomplete = false;
        Lsn expected = new Lsn(pages.segmentEnd());
        PageReader next;
        try {
            next = PageReader.open(nextSegment);
        } catch (NotASegmentException e) {
            end = new SegmentEnd(SegmentEnd.Reason.BAD_PAGE_HEADER, new Lsn(recordStart),
                    "the next segment cannot complete the record at " + new Lsn(recordStart) + ": " + e.getMessage());
            return Optional.empty();
        }
        WalPageHeader h = next.segmentHeader();
        if (h.pageAddress() != pages.segmentEnd() || h.systemIdentifier() != segmentHeader.systemIdentifier()
                || h.magic() != segmentHeader.magic()) {
            end = new SegmentEnd(SegmentEnd.Reason.BAD_PAGE_HEADER, new Lsn(recordStart), "the segment given to complete the record at "
                    + new Lsn(recordStart) + " starts at " + new Lsn(h.pageAddress()) + " (system "
                    + Long.toUnsignedString(h.systemIdentifier()) + "), not at " + expected + " (system "
                    + Long.toUnsignedString(segmentHeader.systemIdentifier()) + ")");
            return Optional.empty();
        }
        pages = next;
        pageUnread = true;
        end = null;
        Optional<WalRecord> record = gather();
        if (end == null) {
            // whatever follows the record is the next segment's to decode
            end = new SegmentEnd(SegmentEnd.Reason.SEGMENT_END, new Lsn(position), record.isPresent()
                    ? "the last record ends in the next segment, at " + new Lsn(position)
                    : "crash recovery abandoned the record at " + new Lsn(recordStart) + " and wrote new WAL at "
                    + new Lsn(position));
        }
        return record;
    }

    /**
     * Reads the rest of the record from the pages that follow until it is complete, then checks and parses
     * it. Empty when decoding stopped, or (with {@link #end} still null) when crash recovery abandoned the
     * record and wrote new WAL where its continuation should be.
     */
    private Optional<WalRecord> gather() throws IOException {
        if (gathered >= RecordParser.HEADER_LENGTH && !checkHeader()) {
            return Optional.empty();
        }
        while (gathered < recordLength) {
            long pageAddress;
            if (pageUnread) {
                pageUnread = false;
                pageAddress = pages.header().address();
            } else {
                if (pages.atLastPage()) {
                    incomplete = true;
                    stop(SegmentEnd.Reason.INCOMPLETE_RECORD, recordStart, "the record at " + new Lsn(recordStart)
                            + " continues in the next segment");
                    return Optional.empty();
                }
                pageAddress = pages.header().address() + PAGE_SIZE;
                Optional<SegmentEnd> problem = pages.advance();
                if (problem.isPresent()) {
                    // a record torn by a crash: its start is what a reader needs to know
                    end = new SegmentEnd(problem.get().reason(), new Lsn(recordStart),
                            "the record at " + new Lsn(recordStart) + " is incomplete: " + problem.get().detail());
                    return Optional.empty();
                }
            }
            PageHeader header = pages.header();
            if (!header.isContinuation()) {
                if (header.isOverwrittenContinuation()) {
                    position = pageAddress + header.length();
                    return Optional.empty();
                }
                stop(SegmentEnd.Reason.BAD_PAGE_HEADER, pageAddress, "the page at " + new Lsn(pageAddress)
                        + " does not continue the record at " + new Lsn(recordStart));
                return Optional.empty();
            }
            long rest = recordLength - gathered;
            if (header.remainingLength() != rest) {
                stop(SegmentEnd.Reason.BAD_PAGE_HEADER, pageAddress, "the page at " + new Lsn(pageAddress) + " continues "
                        + header.remainingLength() + " bytes of a record, but the record at " + new Lsn(recordStart)
                        + " has " + rest + " left");
                return Optional.empty();
            }
            int n = (int) Math.min(PAGE_SIZE - header.length(), rest);
            growBuffer(gathered + n);
            System.arraycopy(pages.page(), header.length(), buffer, gathered, n);
            gathered += n;
            position = pageAddress + header.length() + n;
            if (!headerChecked && gathered >= RecordParser.HEADER_LENGTH && !checkHeader()) {
                return Optional.empty();
            }
        }
        return complete();
    }

    /**
     * Grows the record buffer as continuation pages arrive, not to xl_tot_len at once: a garbage length in a
     * torn or recycled page must not allocate up to a gigabyte before the next page shows it is garbage.
     */
    private void growBuffer(int needed) {
        if (buffer.length < needed) {
            buffer = Arrays.copyOf(buffer, Math.min(recordLength, Math.max(needed, buffer.length * 2)));
        }
    }

    /** xl_prev must name the record before; before the first record only an earlier location is possible. */
    private boolean checkHeader() {
        headerChecked = true;
        long prev = LittleEndian.i64(buffer, 8);
        boolean valid = previous >= 0 ? prev == previous : Long.compareUnsigned(prev, recordStart) < 0;
        if (!valid) {
            stop(SegmentEnd.Reason.BAD_RECORD_HEADER, recordStart, "the record at " + new Lsn(recordStart)
                    + " says the record before it is at " + new Lsn(prev)
                    + (previous >= 0 ? ", but that is at " + new Lsn(previous) : ", which is not before it"));
        }
        return valid;
    }

    private Optional<WalRecord> complete() {
        int computed = RecordCrc.compute(buffer, recordLength);
        int stored = RecordCrc.stored(buffer);
        if (computed != stored) {
            stop(SegmentEnd.Reason.BAD_CRC, recordStart, String.format("the record at %s has CRC %08X, its content %08X",
                    new Lsn(recordStart), stored, computed));
            return Optional.empty();
        }
        long recordEnd = maxAlign(position);
        WalRecord record;
        try {
            record = parser.parse(buffer, recordLength, recordStart, recordEnd);
        } catch (RecordParser.MalformedRecordException e) {
            stop(SegmentEnd.Reason.BAD_RECORD_CONTENT, recordStart, e.getMessage());
            return Optional.empty();
        }
        previous = recordStart;
        position = recordEnd;
        if (record.rmid() == Rmgr.XLOG && record.rmgrInfo() == XLOG_SWITCH) {
            stop(SegmentEnd.Reason.SWITCH, recordEnd, "a WAL switch at " + record.lsn() + " ends the segment's WAL");
        }
        return Optional.of(record);
    }

    /**
     * The segment starts with the rest of a record begun in the segment before: skip it, across as many pages
     * as it fills, to where the first record of this segment starts.
     */
    private void skipContinuation() throws IOException {
        PageHeader header = pages.header();
        long rest = header.remainingLength();
        while (true) {
            int room = PAGE_SIZE - header.length();
            if (rest <= room) {
                position = header.address() + header.length() + maxAlign(rest);
                return;
            }
            rest -= room;
            if (pages.atLastPage()) {
                position = segmentEnd;
                stop(SegmentEnd.Reason.SEGMENT_END, segmentEnd,
                        "the segment holds nothing but the rest of a record begun in an earlier segment");
                return;
            }
            long pageAddress = header.address() + PAGE_SIZE;
            if (!nextPage(pageAddress)) {
                return;
            }
            header = pages.header();
            if (!header.isContinuation()) {
                if (header.isOverwrittenContinuation()) {
                    position = pageAddress + header.length();
                    return;
                }
                stop(SegmentEnd.Reason.BAD_PAGE_HEADER, pageAddress, "the page at " + new Lsn(pageAddress)
                        + " should continue the record the segment starts with, but does not");
                return;
            }
            if (header.remainingLength() != rest) {
                stop(SegmentEnd.Reason.BAD_PAGE_HEADER, pageAddress, "the page at " + new Lsn(pageAddress) + " continues "
                        + header.remainingLength() + " bytes of a record that has " + rest + " left");
                return;
            }
        }
    }

    /** Loads the page at {@code address}, the one after the loaded page; false (and stopped) if unusable. */
    private boolean nextPage(long address) throws IOException {
        if (pages.header().address() + PAGE_SIZE != address) {
            throw new IllegalStateException("pages are read in order: " + new Lsn(address) + " after "
                    + new Lsn(pages.header().address()));
        }
        Optional<SegmentEnd> problem = pages.advance();
        problem.ifPresent(p -> end = p);
        return problem.isEmpty();
    }

    private void stop(SegmentEnd.Reason reason, long lsn, String detail) {
        end = new SegmentEnd(reason, new Lsn(lsn), detail);
    }

    private static long maxAlign(long value) {
        return (value + 7) & ~7L;
    }
}
