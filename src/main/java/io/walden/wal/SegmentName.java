package io.walden.wal;

import io.walden.error.UsageException;

/**
 * A WAL segment: timeline plus segment number. The name is 8 hex digits of timeline, 8 of (LSN >> 32)
 * and 8 of the segment within that 4 GiB "log", so the segment size must come from the server.
 */
public record SegmentName(int timeline, long segmentNumber, long segmentSize) implements Comparable<SegmentName> {

    public SegmentName {
        if (Long.bitCount(segmentSize) != 1 || segmentSize < (1 << 20) || segmentSize > (1L << 30)) {
            throw new IllegalArgumentException("WAL segment size must be a power of two from 1 MB to 1 GB: " + segmentSize);
        }
    }

    public static SegmentName of(int timeline, Lsn lsn, long segmentSize) {
        return new SegmentName(timeline, Long.divideUnsigned(lsn.value(), segmentSize), segmentSize);
    }

    public static SegmentName parse(String name, long segmentSize) {
        if (name.length() != 24 || !name.matches("[0-9A-F]{24}")) {
            throw new UsageException("'" + name + "' is not a WAL segment name");
        }
        int tli = Integer.parseUnsignedInt(name.substring(0, 8), 16);
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        long perLog = 0x1_0000_0000L / segmentSize;
        if (seg >= perLog) {
            throw new UsageException("'" + name + "' is not a valid segment for a " + (segmentSize >> 20) + " MB segment size");
        }
        return new SegmentName(tli, log * perLog + seg, segmentSize);
    }

    private long segmentsPerLog() {
        return 0x1_0000_0000L / segmentSize;
    }

    public String name() {
        return String.format("%08X%08X%08X", timeline, segmentNumber / segmentsPerLog(), segmentNumber % segmentsPerLog());
    }

    public Lsn startLsn() {
        return new Lsn(segmentNumber * segmentSize);
    }

    /** The first location after this segment. */
    public Lsn endLsn() {
        return new Lsn((segmentNumber + 1) * segmentSize);
    }

    public SegmentName next() {
        return new SegmentName(timeline, segmentNumber + 1, segmentSize);
    }

    public SegmentName onTimeline(int tli) {
        return new SegmentName(tli, segmentNumber, segmentSize);
    }

    @Override
    public int compareTo(SegmentName o) {
        int c = Integer.compareUnsigned(timeline, o.timeline);
        return c != 0 ? c : Long.compare(segmentNumber, o.segmentNumber);
    }

    @Override
    public String toString() {
        return name();
    }
}
