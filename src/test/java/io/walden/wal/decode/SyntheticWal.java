package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A tiny WAL writer for tests: lays records out over pages and segments the way PostgreSQL does (page headers,
 * continuation flags and lengths, MAXALIGN, xl_prev, CRC), so that the decoder can be tested on cases a real
 * server produces rarely or only after a crash.
 */
final class SyntheticWal {
    static final int PAGE = 8192;
    static final int SEGMENT = 1 << 20;
    static final long SYSTEM_ID = 7_300_000_000_000_000_001L;

    private final int magic;
    private final long base;
    private final byte[] wal;
    private long position;
    private long previous;
    private int timeline = 1;

    /** WAL of {@code segments} 1 MB segments from segment number {@code firstSegment}, by PostgreSQL {@code magic}. */
    SyntheticWal(int magic, int firstSegment, int segments) {
        this.magic = magic;
        this.base = (long) firstSegment * SEGMENT;
        this.wal = new byte[segments * SEGMENT];
        this.position = base;
    }

    /** A record's bytes: XLogRecord header, then headers, then payload; build with {@link Record}. */
    static final class Record {
        final int rmid;
        final int info;
        final long xid;
        private final ByteArrayOutputStream headers = new ByteArrayOutputStream();
        private final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        private byte[] main = new byte[0];

        Record(int rmid, int info, long xid) {
            this.rmid = rmid;
            this.info = info;
            this.xid = xid;
        }

        /** A block reference with {@code dataLength} bytes of block data and no image. */
        Record block(int id, RelFileLocator rel, int fork, long block, int dataLength, boolean sameRel) {
            headers.write(id);
            headers.write(fork | (dataLength > 0 ? 0x20 : 0) | (sameRel ? 0x80 : 0));
            writeShort(headers, dataLength);
            if (!sameRel) {
                writeRel(rel);
            }
            writeInt(headers, (int) block);
            payload.writeBytes(new byte[dataLength]);
            return this;
        }

        /** A block reference with a full-page image of {@code imageLength} bytes, {@code imageInfo} as bimg_info. */
        Record imageBlock(int id, RelFileLocator rel, long block, int imageLength, int imageInfo, boolean withHoleLength) {
            headers.write(id);
            headers.write(0x10);
            writeShort(headers, 0);
            writeShort(headers, imageLength);
            writeShort(headers, 100); // hole offset
            headers.write(imageInfo);
            if (withHoleLength) {
                writeShort(headers, 4000);
            }
            writeRel(rel);
            writeInt(headers, (int) block);
            byte[] image = new byte[imageLength];
            Arrays.fill(image, (byte) 0x5A);
            payload.writeBytes(image);
            return this;
        }

        Record origin(int originId) {
            headers.write(253);
            writeShort(headers, originId);
            return this;
        }

        Record toplevelXid(long xid) {
            headers.write(252);
            writeInt(headers, (int) xid);
            return this;
        }

        Record main(byte[] data) {
            this.main = data;
            return this;
        }

        private void writeRel(RelFileLocator rel) {
            writeInt(headers, (int) rel.tablespaceOid());
            writeInt(headers, (int) rel.databaseOid());
            writeInt(headers, (int) rel.relNumber());
        }

        byte[] bytes(long prev) {
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            h.writeBytes(headers.toByteArray());
            if (main.length > 0 && main.length < 256) {
                h.write(255);
                h.write(main.length);
            } else if (main.length > 0) {
                h.write(254);
                writeInt(h, main.length);
            }
            int total = 24 + h.size() + payload.size() + main.length;
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(total).putInt((int) xid).putLong(prev).put((byte) info).put((byte) rmid).putShort((short) 0).putInt(0);
            b.put(h.toByteArray()).put(payload.toByteArray()).put(main);
            byte[] rec = b.array();
            CRC32C crc = new CRC32C();
            crc.update(rec, 24, total - 24);
            crc.update(rec, 0, 20);
            ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).putInt(20, (int) crc.getValue());
            return rec;
        }
    }

    /** A record with {@code mainLength} bytes of main data counting up from 1, nothing else. */
    static Record plain(int rmid, int info, long xid, int mainLength) {
        byte[] main = new byte[mainLength];
        for (int i = 0; i < mainLength; i++) {
            main[i] = (byte) (i + 1);
        }
        return new Record(rmid, info, xid).main(main);
    }

    /** Appends a record at the current position and returns where it starts. */
    Lsn append(Record record) {
        return appendBytes(record.bytes(previous));
    }

    /** Appends raw record bytes (their xl_prev and CRC as given). */
    Lsn appendBytes(byte[] rec) {
        if (offsetInPage(position) == 0) {
            writePageHeader(position, 0, 0);
            position += headerLength(position);
        }
        long start = position;
        int i = 0;
        while (i < rec.length) {
            if (offsetInPage(position) == 0) {
                writePageHeader(position, PageHeader.FIRST_IS_CONTRECORD, rec.length - i);
                position += headerLength(position);
            }
            int n = (int) Math.min(PAGE - offsetInPage(position), rec.length - i);
            System.arraycopy(rec, i, wal, index(position), n);
            i += n;
            position += n;
        }
        position = (position + 7) & ~7L;
        previous = start;
        return new Lsn(start);
    }

    /**
     * Appends an XLOG NOOP record of exactly {@code bytes} bytes (a multiple of 8, at least 32), to place the
     * records after it at chosen offsets.
     */
    Lsn fill(int bytes) {
        if (bytes % 8 != 0 || bytes < 32) {
            throw new IllegalArgumentException("fill records are a multiple of 8 bytes, at least 32: " + bytes);
        }
        int main = bytes - 24 - 2 < 256 ? bytes - 24 - 2 : bytes - 24 - 5;
        return append(plain(Rmgr.XLOG, 0x20, 0, main));
    }

    /** Writes a WAL switch and, as PostgreSQL does, valid empty pages to the end of its segment. */
    Lsn appendSwitch() {
        Lsn at = append(new Record(Rmgr.XLOG, 0x40, 0));
        long segmentEnd = base + (at.value() - base) / SEGMENT * SEGMENT + SEGMENT;
        long page = (position + PAGE - 1) / PAGE * PAGE;
        for (; page < segmentEnd; page += PAGE) {
            writePageHeader(page, 0, 0);
        }
        position = segmentEnd;
        return at;
    }

    /** Starts writing at {@code lsn} after a gap (e.g. the start of a later segment for a continuation test). */
    void moveTo(long lsn) {
        position = lsn;
    }

    void timeline(int tli) {
        this.timeline = tli;
    }

    long position() {
        return position;
    }

    /** Sets the record the next one points back to (after {@link #moveTo(long)}). */
    void previous(long lsn) {
        this.previous = lsn;
    }

    /** Writes a page header at {@code pageAddress} (long at a segment start). */
    void writePageHeader(long pageAddress, int info, long remaining) {
        ByteBuffer b = ByteBuffer.wrap(wal).order(ByteOrder.LITTLE_ENDIAN);
        boolean isLong = offsetInSegment(pageAddress) == 0;
        b.putShort(index(pageAddress), (short) magic);
        b.putShort(index(pageAddress) + 2, (short) (info | (isLong ? PageHeader.LONG_HEADER : 0)));
        b.putInt(index(pageAddress) + 4, timeline);
        b.putLong(index(pageAddress) + 8, pageAddress);
        b.putInt(index(pageAddress) + 16, (int) remaining);
        if (isLong) {
            b.putLong(index(pageAddress) + 24, SYSTEM_ID);
            b.putInt(index(pageAddress) + 32, SEGMENT);
            b.putInt(index(pageAddress) + 36, PAGE);
        }
    }

    /** Overwrites one byte of the WAL, e.g. to break a CRC. */
    void flip(long lsn) {
        wal[index(lsn)] ^= 0x01;
    }

    void put(long lsn, byte[] bytes) {
        System.arraycopy(bytes, 0, wal, index(lsn), bytes.length);
    }

    /** The bytes of the segment that holds {@code lsn}. */
    byte[] segment(long lsn) {
        int start = (int) ((lsn - base) / SEGMENT * SEGMENT);
        return Arrays.copyOfRange(wal, start, start + SEGMENT);
    }

    byte[] segmentNumber(int index) {
        return Arrays.copyOfRange(wal, index * SEGMENT, (index + 1) * SEGMENT);
    }

    /** Record starts a reader must report, collected by the caller. */
    static List<Lsn> lsns(List<WalRecord> records) {
        List<Lsn> out = new ArrayList<>();
        for (WalRecord r : records) {
            out.add(r.lsn());
        }
        return out;
    }

    private int headerLength(long lsn) {
        return offsetInSegment(lsn) == 0 ? PageHeader.LONG_LENGTH : PageHeader.SHORT_LENGTH;
    }

    private long offsetInSegment(long lsn) {
        return (lsn - base) % SEGMENT;
    }

    private static long offsetInPage(long lsn) {
        return lsn % PAGE;
    }

    private int index(long lsn) {
        return (int) (lsn - base);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        writeShort(out, v & 0xFFFF);
        writeShort(out, (v >>> 16) & 0xFFFF);
    }
}
