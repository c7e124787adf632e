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

    /** walden.json's content, read without Jackson (see {@link FlatJson}); fields it does not know are ignored. */
    static RepositoryIdentity parse(String json) throws java.io.IOException {
        java.util.Map<String, String> v = FlatJson.parse(json);
        try {
            return new RepositoryIdentity(intOf(v.get("format")), v.get("systemIdentifier"), intOf(v.get("pgMajor")),
                    v.get("walSegmentSize") == null ? 0 : Long.parseLong(v.get("walSegmentSize")), v.get("compression"),
                    v.get("encryption"), v.get("created") == null ? null : UtcInstant.parse(v.get("created")));
        } catch (RuntimeException e) {
            throw new java.io.IOException("unexpected value in walden.json: " + e.getMessage(), e);
        }
    }

    private static int intOf(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    public long systemId() {
        return Long.parseUnsignedLong(systemIdentifier);
    }
}
