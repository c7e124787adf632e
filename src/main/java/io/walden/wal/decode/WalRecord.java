package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.util.List;

/**
 * One WAL record whose CRC matched, with the parts walden reads: the header fields, the pages it changes and
 * its main data. Block data and full-page images are not kept: nothing in walden replays records.
 *
 * @param lsn         where the record starts
 * @param end         where the next record may start: the byte after this record, MAXALIGNed, the value
 *                    PostgreSQL reports as a record's end
 * @param prev        xl_prev, the start of the record before
 * @param info        xl_info, flag bits included; see {@link #rmgrInfo()}
 * @param xid         xl_xid, unsigned; 0 when the record belongs to no transaction
 * @param totalLength xl_tot_len, header and page images included
 * @param mainData    the record's main data; shared, not copied: do not change it
 */
public record WalRecord(Lsn lsn, Lsn end, Lsn prev, int rmid, int info, long xid, int totalLength,
                        List<BlockReference> blocks, byte[] mainData) {

    /** The four bits of xl_info that belong to the resource manager (the record type). */
    public int rmgrInfo() {
        return info & 0xF0;
    }

    public String rmgrName() {
        return Rmgr.name(rmid);
    }

    /** Bytes of full-page images in the record. */
    public int imageLength() {
        int sum = 0;
        for (BlockReference b : blocks) {
            sum += b.imageLength();
        }
        return sum;
    }

    /** The length without full-page images: what pg_waldump prints as "rec" in "len (rec/tot)". */
    public int lengthWithoutImages() {
        return totalLength - imageLength();
    }

    @Override
    public String toString() {
        return "WalRecord[" + lsn + " " + rmgrName() + String.format(" info 0x%02X", info) + " xid " + xid
                + " len " + totalLength + " prev " + prev + " blocks " + blocks + " main " + mainData.length + "]";
    }
}
