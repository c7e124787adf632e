package io.walden.wal.decode;

import io.walden.wal.Lsn;

/**
 * Why decoding of a segment stopped, and where. A segment never simply "runs out": PostgreSQL leaves no
 * end marker, so the end of valid WAL is found by the first thing that is not a valid record.
 *
 * @param lsn    the location of the record or page that stopped decoding (for {@link Reason#SWITCH} and
 *               {@link Reason#SEGMENT_END}: where the next record would have started)
 * @param detail one sentence for people, not for parsing
 */
public record SegmentEnd(Reason reason, Lsn lsn, String detail) {

    public enum Reason {
        /** A zero record length or a page never written: nothing more was written here. */
        END_OF_WAL,
        /** A WAL switch record (pg_switch_wal, archive_timeout): the rest of the segment is padding. */
        SWITCH,
        /** The last record ends at the end of the segment. */
        SEGMENT_END,
        /** The last record begins in this segment and ends in the next one, which was not given. */
        INCOMPLETE_RECORD,
        /** A page holds WAL of an older location: a recycled file, not overwritten this far. */
        RECYCLED_PAGE,
        /** The input ended before the end of the segment. */
        TRUNCATED,
        /** A page header is wrong: magic number, flags, timeline or a missing continuation. */
        BAD_PAGE_HEADER,
        /** A record header is wrong: impossible length, or xl_prev does not point at the previous record. */
        BAD_RECORD_HEADER,
        /** A record's CRC-32C does not match its content. */
        BAD_CRC,
        /** A record passed its CRC but its block references could not be parsed. */
        BAD_RECORD_CONTENT;

        /**
         * True for the ways a segment that PostgreSQL completed normally ends. The other reasons are normal at
         * the end of the segment being written when a server crashed, but in an archived segment they mean
         * damage or a file that is not what its name says.
         */
        public boolean isRegular() {
            return this == END_OF_WAL || this == SWITCH || this == SEGMENT_END || this == INCOMPLETE_RECORD;
        }
    }
}
