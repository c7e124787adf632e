package io.walden.wal.stream;

import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The local copy of the segment being received, named as the segment so wal-push's code can store it once
 * complete. It is not flushed to disk: durability comes from the repository, and after a crash the segment
 * is streamed again from the server, which keeps it for the slot.
 */
final class SegmentStaging implements AutoCloseable {
    private final SegmentName segment;
    private final Path path;
    private final FileChannel channel;
    private long written;

    SegmentStaging(Path folder, SegmentName segment) throws IOException {
        this.segment = segment;
        this.path = folder.resolve(segment.name());
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    SegmentName segment() {
        return segment;
    }

    Path path() {
        return path;
    }

    /** Bytes received from the segment's start. */
    long written() {
        return written;
    }

    Lsn end() {
        return segment.startLsn().plus(written);
    }

    boolean complete() {
        return written == segment.segmentSize();
    }

    /** Appends bytes; the caller never passes more than the segment has room for. */
    void append(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            written += channel.write(bytes, written);
        }
    }

    /** The first {@code length} bytes, for a partial upload. */
    void copyPrefix(long length, java.io.OutputStream out) throws IOException {
        channel.transferTo(0, length, java.nio.channels.Channels.newChannel(out));
    }

    /** The first {@code length} bytes as a stream of their own (the caller closes it). */
    java.io.InputStream openPrefix(long length) throws IOException {
        FileChannel reader = FileChannel.open(path, StandardOpenOption.READ);
        return new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(new Prefix(reader, length)), 64 * 1024);
    }

    /** A read-only view of a file's first bytes. */
    private record Prefix(FileChannel file, long length) implements java.nio.channels.ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            long left = length - file.position();
            if (left <= 0) {
                return -1;
            }
            if (dst.remaining() > left) {
                ByteBuffer slice = dst.slice(dst.position(), (int) left);
                int n = file.read(slice);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
            return file.read(dst);
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Closes and removes the file. */
    void discard() throws IOException {
        close();
        Files.deleteIfExists(path);
    }
}
