package io.walden.repo;

import io.walden.codec.ObjectDecoder;
import io.walden.error.CorruptObjectException;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One 64-bit hash per block of a stored file, kept next to its data object. The next incremental backup
 * hashes the file's blocks again and stores only those whose hash differs, so what it restores is exactly
 * what it read, whatever the page LSNs say (a file copied at file level, a timeline switch or an
 * unlogged write cannot fool it), and a restore in place compares a file against it far faster than with
 * SHA-256. 64 bits make a missed change about as likely as a disk's silent error
 * going unnoticed by its own checksum: far below every other risk.
 */
public final class BlockMap {
    private static final XXHash64 HASH = XXHashFactory.fastestInstance().hash64();
    private static final long SEED = 0x77616C64656EL;

    private long[] hashes = new long[64];
    private int count;

    public static long hash(byte[] buffer, int offset, int length) {
        return HASH.hash(buffer, offset, length, SEED);
    }

    public void add(long hash) {
        if (count == hashes.length) {
            hashes = Arrays.copyOf(hashes, count * 2);
        }
        hashes[count++] = hash;
    }

    public int count() {
        return count;
    }

    /** The hash of block {@code i}, or empty beyond the end. */
    public boolean matches(int block, long hash) {
        return block < count && hashes[block] == hash;
    }

    /** Stores the map; returns its stored size. */
    public long write(Repository repository, String key) throws IOException {
        return repository.write(key, "{\"type\":\"block-map\"}", false, out -> {
            DataOutputStream data = new DataOutputStream(out);
            for (int i = 0; i < count; i++) {
                data.writeLong(hashes[i]);
            }
            data.flush();
        }).storedSize();
    }

    public static BlockMap read(Repository repository, String key) throws IOException {
        byte[] bytes;
        try (ObjectDecoder in = repository.read(key)) {
            bytes = in.readAllBytes();
            in.verifyToEnd();
        }
        if (bytes.length % Long.BYTES != 0) {
            throw new CorruptObjectException("block map " + key + " has " + bytes.length + " bytes, not a whole number of hashes");
        }
        BlockMap map = new BlockMap();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            map.add(in.getLong());
        }
        return map;
    }

    /** Blocks in a file of {@code size} bytes. */
    public static long blocks(long size) {
        return (size + BlockRanges.BLOCK_SIZE - 1) / BlockRanges.BLOCK_SIZE;
    }
}
