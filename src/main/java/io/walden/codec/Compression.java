package io.walden.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.walden.error.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** How an object's body is compressed. The byte code is stored in every object header. */
public enum Compression {
    NONE(0), ZSTD(1);

    private final int code;

    Compression(int code) {
        this.code = code;
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
            throw new UsageException("unknown compression '" + name + "'", "use one of: zstd, none");
        }
    }

    OutputStream compress(OutputStream out, int level) throws IOException {
        return switch (this) {
            case NONE -> out;
            case ZSTD -> new ZstdOutputStream(out, level);
        };
    }

    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
