package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.storage.FlushChaser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes one file on a thread of its own, so that decompressing and checking the next megabyte of a large
 * file overlaps with writing this one: a restore is otherwise as slow as the sum of both. A few buffers
 * in flight bound the memory. The file is flushed to disk as it grows ({@link FlushChaser}).
 */
final class OverlappedFileWriter implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final FileChannel channel;
    private final FlushChaser chaser;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread writer;
    private volatile IOException failure;
    private boolean closed;

    OverlappedFileWriter(FileChannel channel, int bufferSize) {
        this.channel = channel;
        this.chaser = new FlushChaser(channel);
        for (int i = 0; i < BUFFERS; i++) {
            free.add(ByteBuffer.allocate(bufferSize));
        }
        writer = Thread.ofPlatform().name("walden-file-writer").daemon().start(this::drain);
    }

    void write(byte[] bytes, int length) throws IOException {
        check();
        ByteBuffer buffer = take(free);
        buffer.clear();
        buffer.put(bytes, 0, length).flip();
        put(buffer);
    }

    /**
     * Waits until everything is written and most of it flushed to disk (the caller flushes the rest); the
     * channel stays the caller's to close.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        }
        check();
        chaser.finish();
    }

    private void drain() {
        try {
            while (true) {
                ByteBuffer buffer = full.take();
                if (buffer == END) {
                    return;
                }
                int length = buffer.remaining();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                chaser.wrote(length);
                free.put(buffer);
            }
        } catch (IOException e) {
            failure = e;
            free.add(ByteBuffer.allocate(0)); // unblocks a writer waiting for a buffer; it then sees the failure
        } catch (InterruptedException e) {
            failure = new IOException("file writer interrupted");
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private ByteBuffer take(BlockingQueue<ByteBuffer> queue) throws IOException {
        try {
            ByteBuffer b = queue.take();
            check();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        }
    }

    private void put(ByteBuffer buffer) throws IOException {
        try {
            while (!full.offer(buffer, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        }
    }
}
