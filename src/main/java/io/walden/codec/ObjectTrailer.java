package io.walden.codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The fixed-size end of every object: plaintext length and SHA-256. Fixed size so that a caller can read
 * an object's checksum with one ranged read of its last {@link #LENGTH} bytes.
 */
public record ObjectTrailer(long plainLength, byte[] sha256) {
    static final byte[] END = {'W', 'E', 'N', 'D'};
    public static final int LENGTH = 8 + 32 + 4;

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(plainLength);
        out.write(sha256);
        out.write(END);
    }

    static ObjectTrailer read(DataInputStream in) throws IOException {
        long length = in.readLong();
        byte[] sha = new byte[32];
        in.readFully(sha);
        byte[] end = new byte[4];
        in.readFully(end);
        if (!Arrays.equals(end, END)) {
            return null;
        }
        return new ObjectTrailer(length, sha);
    }

    /** Parses the last {@link #LENGTH} bytes of an object, or null when they are not a trailer. */
    public static ObjectTrailer parse(byte[] tail) throws IOException {
        if (tail.length != LENGTH) {
            return null;
        }
        return read(new DataInputStream(new java.io.ByteArrayInputStream(tail)));
    }
}
