package io.walden.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where repository objects live. Keys are relative, '/'-separated paths ("backups/X/manifest.json").
 * Everything above this interface is ignorant of which implementation it talks to.
 *
 * <p>Contract every implementation keeps:
 * <ul>
 * <li>A write is invisible until {@link PendingObject#commit()}: readers see nothing or the whole
 *     object, never a prefix. Closing a pending object without committing leaves nothing behind.</li>
 * <li>{@link PendingObject#commitIfAbsent()} is atomic against concurrent writers of the same key:
 *     exactly one of them creates the object, the others learn it exists and nothing is overwritten.</li>
 * <li>Reading a missing key throws {@link ObjectNotFoundException}; a short read is an error, never
 *     silent truncation.</li>
 * <li>{@link #list(String)} returns every committed object under a prefix exactly once, sorted by key.</li>
 * <li>{@link #delete(String)} of a missing key succeeds.</li>
 * </ul>
 */
public interface Storage extends AutoCloseable {

    /** Starts writing {@code key}; nothing is visible until the returned object is committed. */
    PendingObject create(String key) throws IOException;

    /** Opens the whole object for reading. */
    InputStream open(String key) throws IOException;

    /** Opens {@code length} bytes starting at {@code offset}. */
    InputStream open(String key, long offset, long length) throws IOException;

    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    void delete(String key) throws IOException;

    /** Where this storage is, for messages ("/var/lib/walden", "s3://bucket/prefix"). */
    String location();

    @Override
    default void close() throws IOException {
    }
}
