package io.walden.wal.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the little-endian integers WAL is made of. PostgreSQL writes its structs in host byte order and
 * walden only supports the little-endian platforms (x86-64, arm64) every supported distribution ships.
 * VarHandles read straight from the array without wrapping it in a ByteBuffer per field.
 */
final class LittleEndian {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static int u8(byte[] b, int offset) {
        return b[offset] & 0xFF;
    }

    static int u16(byte[] b, int offset) {
        return Short.toUnsignedInt((short) SHORT.get(b, offset));
    }

    /** An unsigned 32-bit field (OIDs, xids, lengths) as a non-negative long. */
    static long u32(byte[] b, int offset) {
        return Integer.toUnsignedLong((int) INT.get(b, offset));
    }

    static int i32(byte[] b, int offset) {
        return (int) INT.get(b, offset);
    }

    static long i64(byte[] b, int offset) {
        return (long) LONG.get(b, offset);
    }
}
