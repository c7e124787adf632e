package io.walden.wal.decode;

import java.util.zip.CRC32C;

/**
 * The CRC-32C a record carries in xl_crc. PostgreSQL computes it over the record's bytes after the 24-byte
 * header first and over the header up to (not including) xl_crc last, so that the header, filled in at the
 * end of insertion, can be added once everything else is known.
 */
final class RecordCrc {
    private static final int CRC_OFFSET = 20;

    private RecordCrc() {
    }

    /** The CRC the first {@code length} bytes of {@code rec} should carry. */
    static int compute(byte[] rec, int length) {
        CRC32C crc = new CRC32C();
        crc.update(rec, RecordParser.HEADER_LENGTH, length - RecordParser.HEADER_LENGTH);
        crc.update(rec, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }

    /** The CRC the record says it has. */
    static int stored(byte[] rec) {
        return LittleEndian.i32(rec, CRC_OFFSET);
    }
}
