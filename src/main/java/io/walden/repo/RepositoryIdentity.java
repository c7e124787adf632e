package io.walden.repo;

import java.time.Instant;

/**
 * walden.json: which cluster a repository belongs to. Written once; every backup and every WAL file
 * pushed afterwards must come from the same cluster (system identifier) and the same major version,
 * and be encrypted exactly when the repository was created encrypted ({@code encryption} "none" or the
 * algorithm; never a key).
 */
public record RepositoryIdentity(int format, String systemIdentifier, int pgMajor, long walSegmentSize,
                                 String compression, String encryption, Instant created) {
    public static final int FORMAT = 1;

    public RepositoryIdentity {
        encryption = encryption == null ? "none" : encryption; // repositories from before encryption existed
    }

    public boolean encrypted() {
        return !"none".equals(encryption);
    }

    public long systemId() {
        return Long.parseUnsignedLong(systemIdentifier);
    }
}
