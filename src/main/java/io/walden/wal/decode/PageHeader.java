package io.walden.wal.decode;

/**
 * The header every 8 kB WAL page starts with (XLogPageHeaderData): magic, flags, timeline, the page's own
 * address and how many bytes of a record begun on an earlier page continue here. The first page of a segment
 * has the long form, which adds system identifier, segment size and page size.
 */
record PageHeader(int magic, int info, int timeline, long address, long remainingLength) {
    /** Bytes in a WAL page (XLOG_BLCKSZ); PostgreSQL builds with other values are not supported. */
    static final int PAGE_SIZE = 8192;
    /** The short header's 20 bytes, MAXALIGNed. */
    static final int SHORT_LENGTH = 24;
    /** The long header's 36 bytes, MAXALIGNed. */
    static final int LONG_LENGTH = 40;

    /** The page starts with the rest of a record that began on an earlier page. */
    static final int FIRST_IS_CONTRECORD = 0x0001;
    static final int LONG_HEADER = 0x0002;
    /** Full-page images on this page may be dropped when archiving (only ever set by old tools). */
    static final int BKP_REMOVABLE = 0x0004;
    /**
     * A record that was torn at a crash was abandoned here and the page starts with a new record
     * (XLOG_OVERWRITE_CONTRECORD). In PostgreSQL 15 and in the 13/14 minor releases that back-patched it.
     */
    static final int FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
    static final int ALL_FLAGS = 0x000F;

    static PageHeader read(byte[] page) {
        return new PageHeader(LittleEndian.u16(page, 0), LittleEndian.u16(page, 2), LittleEndian.i32(page, 4),
                LittleEndian.i64(page, 8), LittleEndian.u32(page, 16));
    }

    boolean isLong() {
        return (info & LONG_HEADER) != 0;
    }

    boolean isContinuation() {
        return (info & FIRST_IS_CONTRECORD) != 0;
    }

    boolean isOverwrittenContinuation() {
        return (info & FIRST_IS_OVERWRITE_CONTRECORD) != 0;
    }

    /** Where the page's content starts. */
    int length() {
        return isLong() ? LONG_LENGTH : SHORT_LENGTH;
    }

    /** A page that was never written: WAL files are zero-filled before use. */
    boolean isZero() {
        return magic == 0 && info == 0 && timeline == 0 && address == 0 && remainingLength == 0;
    }
}
