package io.walden.repo;

import io.walden.codec.FrameIndex;
import io.walden.codec.ObjectDecoder;
import io.walden.error.CorruptObjectException;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * One 64-bit hash per block of a stored file, kept next to its data object; when the object was compressed in
 * frames, the map's metadata also says where they are ({@link #frames()}). The next incremental backup
 * hashes the file's blocks again and stores only those whose hash differs, so what it restores is exactly
 * what it read, whatever the page LSNs say (a file copied at file level, a timeline switch or an
 * unlogged write cannot fool it), and a restore in place compares a file against it far faster than with
 * SHA-256. 64 bits make a missed change about as likely as a disk's silent error
 * going unnoticed by its own checksum: far below every other risk.
 */
public final class BlockMap {
    private static final XXHash64 HASH = XXHashFactory.fastestInstance().hash64();
    private static final long SEED = 0x77616C64656EL;

    /** Larger frames than walden writes are refused as damaged metadata: a frame is read into memory whole. */
    private static final long MAX_FRAME = 64L << 20;

    private long[] hashes = new long[64];
    private int count;
    private Optional<FrameIndex> frames = Optional.empty();

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

    /** Where the frames of the file's data object are, when it was compressed in frames and is not encrypted. */
    public Optional<FrameIndex> frames() {
        return frames;
    }

    /** Stores the map, with where the frames of the file's object are when it has them; returns its stored size. */
    public long write(Repository repository, String key, Optional<FrameIndex> objectFrames) throws IOException {
        JsonText meta = new JsonText().begin().field("type", "block-map");
        if (objectFrames.isPresent()) {
            meta.field("frameSize", objectFrames.get().frameSize()).key("frames").beginArray();
            for (long start : objectFrames.get().starts()) {
                meta.value(start);
            }
            meta.endArray();
        }
        return repository.write(key, meta.end().toString(), false, out -> {
            DataOutputStream data = new DataOutputStream(out);
            for (int i = 0; i < count; i++) {
                data.writeLong(hashes[i]);
            }
            data.flush();
        }).storedSize();
    }

    public static BlockMap read(Repository repository, String key) throws IOException {
        byte[] bytes;
        String metadata;
        try (ObjectDecoder in = repository.read(key)) {
            metadata = in.header().metadata();
            bytes = in.readAllBytes();
            in.verifyToEnd();
        }
        if (bytes.length % Long.BYTES != 0) {
            throw new CorruptObjectException("block map " + key + " has " + bytes.length + " bytes, not a whole number of hashes");
        }
        BlockMap map = new BlockMap();
        map.hashes = new long[Math.max(1, bytes.length / Long.BYTES)];
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            map.hashes[map.count++] = in.getLong();
        }
        map.frames = frames(metadata);
        return map;
    }

    /**
     * The frame index in a map's metadata; empty when there is none, and when it is not one walden can use: the
     * frames are a shortcut, and without them the object is read whole.
     */
    private static Optional<FrameIndex> frames(String metadata) {
        if (metadata == null || !metadata.contains("\"frames\"")) {
            return Optional.empty();
        }
        try {
            return JsonCursor.read(metadata.getBytes(StandardCharsets.UTF_8), in -> {
                in.beginObject();
                long frameSize = 0;
                long[] starts = new long[0];
                for (String field = in.nextField(); field != null; field = in.nextField()) {
                    switch (field) {
                        case "frameSize" -> frameSize = in.longValue();
                        case "frames" -> starts = in.longs();
                        default -> in.skipValue();
                    }
                }
                return frameSize > 0 && frameSize <= MAX_FRAME && starts.length >= 2
                        ? Optional.of(new FrameIndex((int) frameSize, starts)) : Optional.<FrameIndex>empty();
            });
        } catch (JsonCursor.InvalidJson | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Adds the hashes of the blocks in {@code length} bytes that start at a block boundary of the file. */
    public void addBlocks(byte[] buffer, int length) {
        for (int off = 0; off < length; off += BlockRanges.BLOCK_SIZE) {
            add(hash(buffer, off, Math.min(BlockRanges.BLOCK_SIZE, length - off)));
        }
    }

    /**
     * Whether the file, as it is now, has exactly these blocks; false at the first block that differs, and
     * for a file that is missing. {@code buffer} must hold a whole number of blocks.
     */
    public boolean matchesFile(Path file, byte[] buffer) throws IOException {
        return matchesFile(file, buffer, 0, count);
    }

    /**
     * Whether the file has as many blocks as this map and blocks {@code from} (inclusive) to {@code to}
     * (exclusive) match it: one part of a large file, checked while other threads check the other parts.
     */
    public boolean matchesFile(Path file, byte[] buffer, int from, int to) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return blocks(ch.size()) == count && blocksMatch(ch, buffer, from, to);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Compares blocks {@code from} (inclusive) to {@code to} (exclusive) of the file, in frames of {@code frameBlocks}
     * blocks starting at block 0, and sets {@code differs[k]} for each frame {@code k} with a block that does not
     * match (or is missing); a frame stops being read at its first such block. {@code from} must start a frame and
     * {@code buffer} hold a whole number of blocks. Returns true when every block of the range matched.
     */
    public boolean compareFrames(Path file, byte[] buffer, int from, int to, int frameBlocks, boolean[] differs)
            throws IOException {
        boolean all = true;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int frame = from / frameBlocks; frame * frameBlocks < to; frame++) {
                int first = frame * frameBlocks;
                int end = Math.min(to, first + frameBlocks);
                if (!blocksMatch(ch, buffer, first, end)) {
                    differs[frame] = true;
                    all = false;
                }
            }
        } catch (NoSuchFileException e) {
            for (int frame = from / frameBlocks; frame * frameBlocks < to; frame++) {
                differs[frame] = true;
            }
            return false;
        }
        return all;
    }

    private boolean blocksMatch(FileChannel ch, byte[] buffer, int from, int to) throws IOException {
        ch.position((long) from * BlockRanges.BLOCK_SIZE);
        int block = from;
        while (block < to) {
            int want = (int) Math.min(buffer.length, (long) (to - block) * BlockRanges.BLOCK_SIZE);
            int n = fill(ch, ByteBuffer.wrap(buffer, 0, want));
            if (n == 0) {
                return false;
            }
            if (!matches(block, buffer, n)) {
                return false;
            }
            block += (int) blocks(n);
        }
        return true;
    }

    /** Whether the {@code length} bytes of {@code content}, blocks from {@code firstBlock} on, are those of the map. */
    public boolean matches(int firstBlock, byte[] content, int length) {
        for (int off = 0, block = firstBlock; off < length; off += BlockRanges.BLOCK_SIZE, block++) {
            if (!matches(block, hash(content, off, Math.min(BlockRanges.BLOCK_SIZE, length - off)))) {
                return false;
            }
        }
        return true;
    }

    /** Fills the buffer unless the file ends first, so block boundaries fall on buffer boundaries; returns the bytes read. */
    public static int fill(FileChannel ch, byte[] buffer) throws IOException {
        return fill(ch, ByteBuffer.wrap(buffer));
    }

    private static int fill(FileChannel ch, ByteBuffer bb) throws IOException {
        int start = bb.position();
        while (bb.hasRemaining()) {
            if (ch.read(bb) < 0) {
                break;
            }
        }
        return bb.position() - start;
    }

    /** Blocks in a file of {@code size} bytes. */
    public static long blocks(long size) {
        return (size + BlockRanges.BLOCK_SIZE - 1) / BlockRanges.BLOCK_SIZE;
    }
}
