package io.walden.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import io.walden.error.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * How an object's body is compressed. The byte code is stored in every object header, so a repository can
 * mix them. zstd (default level 1) is the best trade on most hardware; lz4 is for when CPU is the limit;
 * none for data that is already compressed or encrypted by the application.
 */
public enum Compression {
    NONE(0, 0, 0, 0), ZSTD(1, 1, -7, 22), LZ4(2, 1, 1, 17);

    private final int code;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(int code, int defaultLevel, int minLevel, int maxLevel) {
        this.code = code;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The level to use: the default when none is given; refuses a level this algorithm does not have. */
    public int level(Integer requested) {
        if (requested == null || this == NONE) {
            return defaultLevel;
        }
        if (requested < minLevel || requested > maxLevel) {
            throw new UsageException(this + " has no compression level " + requested,
                    "use a level from " + minLevel + " to " + maxLevel + " (default " + defaultLevel + ")");
        }
        return requested;
    }

    public int code() {
        return code;
    }

    public static Compression fromCode(int code) {
        for (Compression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression code " + code);
    }

    public static Compression parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown compression '" + name + "'", "use one of: zstd, lz4, none");
        }
    }

    OutputStream compress(OutputStream out, int level, int workers) throws IOException {
        return switch (this) {
            case NONE -> out;
            case ZSTD -> {
                ZstdLibrary.prepare();
                ZstdOutputStream z = new ZstdOutputStream(out, level);
                if (workers > 1) {
                    z.setWorkers(workers);
                }
                yield z;
            }
            case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L, lz4Compressor(level),
                    net.jpountz.xxhash.XXHashFactory.fastestInstance().hash32(), LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
        };
    }

    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case ZSTD -> {
                ZstdLibrary.prepare();
                yield new ZstdInputStream(in);
            }
            case LZ4 -> new LZ4FrameInputStream(in);
        };
    }

    /** Level 1 is lz4's fast mode; higher levels use its high-compression mode at that level. */
    private static LZ4Compressor lz4Compressor(int level) {
        LZ4Factory factory = LZ4Factory.fastestInstance();
        return level <= 1 ? factory.fastCompressor() : factory.highCompressor(level);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
