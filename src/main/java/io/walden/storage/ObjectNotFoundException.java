package io.walden.storage;

import java.io.IOException;

/** The key names no object. Callers decide whether that is an error (a backup) or normal (wal-fetch). */
public final class ObjectNotFoundException extends IOException {
    public ObjectNotFoundException(String key, String location) {
        super("no object " + key + " in " + location);
    }
}
