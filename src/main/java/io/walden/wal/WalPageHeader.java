package io.walden.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;

/**
 * The long page header at the start of every WAL segment: it names the cluster (system identifier), the
 * segment size and, through its magic number, the PostgreSQL major version that wrote it. wal-push uses
 * it to refuse another cluster's WAL without asking the server anything.
 */
public record WalPageHeader(int magic, int timeline, long pageAddress, long systemIdentifier, long segmentSize) {

    public static final int LENGTH = 40;
    private static final int XLP_LONG_HEADER = 0x0002;

    private static final Map<Integer, Integer> MAJOR_BY_MAGIC = Map.of(
            0xD106, 13, 0xD10D, 14, 0xD110, 15, 0xD113, 16, 0xD116, 17, 0xD118, 18);

    /** Reads the header from the first bytes of a segment, or empty if they do not hold a long header. */
    public static Optional<WalPageHeader> read(byte[] first, int length) {
        if (length < LENGTH) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(first, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(0));
        int info = Short.toUnsignedInt(b.getShort(2));
        if ((info & XLP_LONG_HEADER) == 0) {
            return Optional.empty();
        }
        int tli = b.getInt(4);
        long pageAddr = b.getLong(8);
        long sysid = b.getLong(24);
        long segSize = Integer.toUnsignedLong(b.getInt(32));
        return Optional.of(new WalPageHeader(magic, tli, pageAddr, sysid, segSize));
    }

    /** The PostgreSQL major version that writes this magic number, if known. */
    public Optional<Integer> pgMajor() {
        return Optional.ofNullable(MAJOR_BY_MAGIC.get(magic));
    }
}
