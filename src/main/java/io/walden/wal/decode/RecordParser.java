package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an assembled record into its block references and main data. After the 24-byte XLogRecord header
 * come headers only (one per block reference, then optional origin / top-level xid, then the main data
 * length), then the payload in the same order: each block's image and data, the main data last. The main
 * data is found by walking the headers, since only they say how long the payload parts are.
 */
final class RecordParser {
    static final int HEADER_LENGTH = 24;

    private static final int MAX_BLOCK_ID = 32;
    private static final int ID_TOPLEVEL_XID = 252;
    private static final int ID_ORIGIN = 253;
    private static final int ID_DATA_LONG = 254;
    private static final int ID_DATA_SHORT = 255;

    private static final int FORK_MASK = 0x0F;
    private static final int HAS_IMAGE = 0x10;
    private static final int HAS_DATA = 0x20;
    private static final int SAME_REL = 0x80;

    private static final int IMAGE_HAS_HOLE = 0x01;
    /** Before PostgreSQL 15 one flag said "compressed" (pglz was the only method). */
    private static final int IMAGE_COMPRESSED_BEFORE_15 = 0x02;
    /** PostgreSQL 15 has one flag per method: pglz 0x04, lz4 0x08, zstd 0x10. */
    private static final int IMAGE_COMPRESSED_SINCE_15 = 0x04 | 0x08 | 0x10;

    private static final byte[] NO_DATA = new byte[0];

    private final int imageCompressedMask;

    RecordParser(int pgMajor) {
        this.imageCompressedMask = pgMajor >= 15 ? IMAGE_COMPRESSED_SINCE_15 : IMAGE_COMPRESSED_BEFORE_15;
    }

    /** A record whose CRC matched but whose headers do not describe its bytes. */
    static final class MalformedRecordException extends Exception {
        MalformedRecordException(String message) {
            super(message);
        }
    }

    /** Parses the first {@code total} bytes of {@code rec}, a record starting at {@code lsn}. */
    WalRecord parse(byte[] rec, int total, long lsn, long end) throws MalformedRecordException {
        int pos = HEADER_LENGTH;
        long payload = 0; // bytes of images, block data and main data announced so far
        int mainLength = 0;
        int lastId = -1;
        RelFileLocator lastRelation = null;
        List<BlockReference> blocks = List.of();
        while (total - pos > payload) {
            int id = LittleEndian.u8(rec, pos++);
            if (id == ID_DATA_SHORT) {
                need(total, pos, 1, lsn);
                mainLength = LittleEndian.u8(rec, pos);
                pos += 1;
                payload += mainLength;
                break; // the main data header is always the last header
            } else if (id == ID_DATA_LONG) {
                need(total, pos, 4, lsn);
                long length = LittleEndian.u32(rec, pos);
                if (length > total) {
                    throw new MalformedRecordException("main data length " + length + " exceeds the record at " + new Lsn(lsn));
                }
                mainLength = (int) length;
                pos += 4;
                payload += mainLength;
                break;
            } else if (id == ID_ORIGIN) {
                need(total, pos, 2, lsn);
                pos += 2;
            } else if (id == ID_TOPLEVEL_XID) {
                need(total, pos, 4, lsn);
                pos += 4;
            } else if (id <= MAX_BLOCK_ID) {
                if (id <= lastId) {
                    throw new MalformedRecordException("block reference " + id + " after " + lastId + " in the record at " + new Lsn(lsn));
                }
                lastId = id;
                need(total, pos, 3, lsn);
                int forkFlags = LittleEndian.u8(rec, pos);
                int dataLength = LittleEndian.u16(rec, pos + 1);
                pos += 3;
                if (((forkFlags & HAS_DATA) != 0) != (dataLength > 0)) {
                    throw new MalformedRecordException("block reference " + id + " has data length " + dataLength
                            + " that its flags contradict, in the record at " + new Lsn(lsn));
                }
                payload += dataLength;
                boolean hasImage = (forkFlags & HAS_IMAGE) != 0;
                int imageLength = 0;
                if (hasImage) {
                    need(total, pos, 5, lsn);
                    imageLength = LittleEndian.u16(rec, pos);
                    int imageInfo = LittleEndian.u8(rec, pos + 4);
                    pos += 5;
                    // a compressed image with a hole stores the hole's length; otherwise it follows from the length
                    if ((imageInfo & IMAGE_HAS_HOLE) != 0 && (imageInfo & imageCompressedMask) != 0) {
                        need(total, pos, 2, lsn);
                        pos += 2;
                    }
                    payload += imageLength;
                }
                RelFileLocator relation;
                if ((forkFlags & SAME_REL) == 0) {
                    need(total, pos, RelFileLocator.SIZE, lsn);
                    relation = RelFileLocator.read(rec, pos);
                    pos += RelFileLocator.SIZE;
                    lastRelation = relation;
                } else if (lastRelation == null) {
                    throw new MalformedRecordException("block reference " + id + " says 'same relation' with none before, in the record at " + new Lsn(lsn));
                } else {
                    relation = lastRelation;
                }
                need(total, pos, 4, lsn);
                long block = LittleEndian.u32(rec, pos);
                pos += 4;
                if (blocks.isEmpty()) {
                    blocks = new ArrayList<>(2);
                }
                blocks.add(new BlockReference(id, relation, forkFlags & FORK_MASK, block, hasImage, imageLength, dataLength));
            } else {
                throw new MalformedRecordException("invalid block id " + id + " in the record at " + new Lsn(lsn));
            }
        }
        if (total - pos != payload) {
            throw new MalformedRecordException("the headers of the record at " + new Lsn(lsn) + " announce " + payload
                    + " bytes of payload, but " + (total - pos) + " follow them");
        }
        byte[] main = mainLength == 0 ? NO_DATA : Arrays.copyOfRange(rec, total - mainLength, total);
        return new WalRecord(new Lsn(lsn), new Lsn(end), new Lsn(LittleEndian.i64(rec, 8)), LittleEndian.u8(rec, 17),
                LittleEndian.u8(rec, 16), LittleEndian.u32(rec, 4), total, blocks.isEmpty() ? List.of() : List.copyOf(blocks), main);
    }

    private static void need(int total, int pos, int bytes, long lsn) throws MalformedRecordException {
        if (pos + bytes > total) {
            throw new MalformedRecordException("the headers of the record at " + new Lsn(lsn) + " run past its end");
        }
    }
}
