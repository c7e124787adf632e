package io.walden.wal.decode;

import io.walden.wal.Lsn;
import io.walden.wal.WalPageHeader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import static io.walden.wal.decode.PageHeader.PAGE_SIZE;

/**
 * Reads the pages of one segment in order, one page in memory at a time, and refuses a page that does not
 * belong where it is read: its address must be the next one, its magic number that of the first page and its
 * timeline never lower than the page before (a segment of a new timeline starts with the old timeline's pages).
 */
final class PageReader {
    private static final long MIN_SEGMENT = 1L << 20;
    private static final long MAX_SEGMENT = 1L << 30;

    private final InputStream in;
    private final byte[] page = new byte[PAGE_SIZE];
    private final WalPageHeader segmentHeader;
    private final int pgMajor;
    private PageHeader header;
    private int lastTimeline;

    private PageReader(InputStream in, WalPageHeader segmentHeader, int pgMajor) {
        this.in = in;
        this.segmentHeader = segmentHeader;
        this.pgMajor = pgMajor;
    }

    /** Reads the segment's first page, which must carry the long header of a supported PostgreSQL major. */
    static PageReader open(InputStream in) throws IOException {
        byte[] first = new byte[PAGE_SIZE];
        int n = in.readNBytes(first, 0, PAGE_SIZE);
        if (n < PAGE_SIZE) {
            throw new NotASegmentException("the input is " + n + " bytes long, less than one WAL page");
        }
        WalPageHeader longHeader = WalPageHeader.read(first, n).orElseThrow(() ->
                new NotASegmentException("the input does not start with the long page header of a WAL segment"));
        int major = longHeader.pgMajor().orElseThrow(() -> new NotASegmentException(String.format(
                "the WAL page magic number 0x%04X is not one of a PostgreSQL major walden knows", longHeader.magic())));
        long segmentSize = longHeader.segmentSize();
        if (Long.bitCount(segmentSize) != 1 || segmentSize < MIN_SEGMENT || segmentSize > MAX_SEGMENT) {
            throw new NotASegmentException("the WAL segment size in the page header is " + segmentSize
                    + ", not a power of two from 1 MB to 1 GB");
        }
        long blockSize = LittleEndian.u32(first, 36);
        if (blockSize != PAGE_SIZE) {
            throw new NotASegmentException("the WAL was written with " + blockSize
                    + "-byte pages; walden reads the standard 8192-byte pages only");
        }
        if (Long.remainderUnsigned(longHeader.pageAddress(), segmentSize) != 0) {
            throw new NotASegmentException("the first page claims address " + new Lsn(longHeader.pageAddress())
                    + ", which is not the start of a segment");
        }
        PageHeader header = PageHeader.read(first);
        if ((header.info() & ~PageHeader.ALL_FLAGS) != 0) {
            throw new NotASegmentException(String.format("the first page has unknown flags 0x%04X", header.info()));
        }
        PageReader reader = new PageReader(in, longHeader, major);
        System.arraycopy(first, 0, reader.page, 0, PAGE_SIZE);
        reader.header = header;
        reader.lastTimeline = header.timeline();
        return reader;
    }

    /**
     * Reads the next page, or says why it cannot be used: the end of the input, a page never written, a
     * page left from an older use of the file, or a damaged header.
     */
    Optional<SegmentEnd> advance() throws IOException {
        long expected = header.address() + PAGE_SIZE;
        Lsn where = new Lsn(expected);
        if (expected == segmentEnd()) {
            throw new IllegalStateException("no page after the last page of the segment");
        }
        int n = in.readNBytes(page, 0, PAGE_SIZE);
        if (n < PAGE_SIZE) {
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.TRUNCATED, where,
                    "the input ends " + n + " bytes into the page at " + where));
        }
        PageHeader next = PageHeader.read(page);
        if (next.isZero()) {
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.END_OF_WAL, where, "the page at " + where + " was never written"));
        }
        if (next.magic() != segmentHeader.magic()) {
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.BAD_PAGE_HEADER, where, String.format(
                    "the page at %s has magic number 0x%04X, the segment 0x%04X", where, next.magic(), segmentHeader.magic())));
        }
        if (next.address() != expected) {
            // a recycled segment keeps the pages of its earlier life until they are overwritten
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.RECYCLED_PAGE, where,
                    "the page at " + where + " says it belongs at " + new Lsn(next.address())));
        }
        if ((next.info() & ~PageHeader.ALL_FLAGS) != 0 || next.isLong()) {
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.BAD_PAGE_HEADER, where,
                    String.format("the page at %s has invalid flags 0x%04X", where, next.info())));
        }
        if (Integer.compareUnsigned(next.timeline(), lastTimeline) < 0) {
            return Optional.of(new SegmentEnd(SegmentEnd.Reason.BAD_PAGE_HEADER, where, "the page at " + where
                    + " is on timeline " + next.timeline() + ", after a page on timeline " + lastTimeline));
        }
        header = next;
        lastTimeline = next.timeline();
        return Optional.empty();
    }

    /** The page read last; valid until the next {@link #advance()}. */
    byte[] page() {
        return page;
    }

    PageHeader header() {
        return header;
    }

    /** True when the page read last is the segment's last page. */
    boolean atLastPage() {
        return header.address() + PAGE_SIZE == segmentEnd();
    }

    WalPageHeader segmentHeader() {
        return segmentHeader;
    }

    int pgMajor() {
        return pgMajor;
    }

    long segmentStart() {
        return segmentHeader.pageAddress();
    }

    long segmentEnd() {
        return segmentHeader.pageAddress() + segmentHeader.segmentSize();
    }
}
