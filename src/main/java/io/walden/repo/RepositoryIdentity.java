package io.walden.repo;

import java.time.Instant;

/**
 * walden.json: which cluster a repository belongs to. Written once; every backup and every WAL file
 * pushed afterwards must come from the same cluster (system identifier) and the same major version.
 */
public record RepositoryIdentity(int format, String systemIdentifier, int pgMajor, long walSegmentSize,
                                 String compression, Instant created) {
    public static final int FORMAT = 1;

    public long systemId() {
        return Long.parseUnsignedLong(systemIdentifier);
    }
}
