package io.walden.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/** An object being written. Write to {@link #stream()}, then commit; close without commit aborts. */
public interface PendingObject extends Closeable {

    OutputStream stream();

    /** Makes the object durable and visible, replacing any object with the same key. */
    void commit() throws IOException;

    /**
     * Makes the object durable and visible only if no object with that key exists.
     *
     * @return true if this call created it, false if the key already existed (this write is discarded)
     */
    boolean commitIfAbsent() throws IOException;

    /** Discards the object unless it was committed. */
    @Override
    void close() throws IOException;
}
