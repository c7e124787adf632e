package io.walden.storage.s3;

import io.walden.error.UsageException;

import java.util.regex.Pattern;

/**
 * Where a repository lives in S3: a bucket and a key prefix inside it, written {@code s3://bucket/prefix}.
 * The prefix has no leading or trailing slash and may be empty (the repository is the whole bucket).
 */
public record S3Location(String bucket, String prefix) {
    private static final String SCHEME = "s3://";
    // S3's rules for new buckets: 3 to 63 characters, lowercase letters, digits, dots and hyphens,
    // starting and ending with a letter or digit.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public S3Location {
        String problem = bucketProblem(bucket);
        if (problem != null) {
            throw invalid(SCHEME + bucket + (prefix == null || prefix.isEmpty() ? "" : "/" + prefix), problem);
        }
        prefix = normalisePrefix(bucket, prefix == null ? "" : prefix);
    }

    /**
     * Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix/}.
     *
     * @throws UsageException if it is not an S3 address or the bucket name is not one S3 accepts
     */
    public static S3Location parse(String spec) {
        if (spec == null || !spec.startsWith(SCHEME)) {
            throw invalid(spec, "it does not start with s3://");
        }
        String rest = spec.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw invalid(spec, "it names no bucket");
        }
        String problem = bucketProblem(bucket);
        if (problem != null) {
            throw invalid(spec, problem);
        }
        return new S3Location(bucket, prefix);
    }

    private static String bucketProblem(String bucket) {
        if (bucket == null || bucket.isEmpty()) {
            return "it names no bucket";
        }
        if (!BUCKET.matcher(bucket).matches()) {
            return "'" + bucket + "' is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, "
                    + "starting and ending with a letter or digit)";
        }
        if (bucket.contains("..") || IP_ADDRESS.matcher(bucket).matches()) {
            return "'" + bucket + "' is not a valid bucket name (no two dots in a row, not an IP address)";
        }
        return null;
    }

    private static String normalisePrefix(String bucket, String prefix) {
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return "";
        }
        // An empty, "." or ".." segment would make two spellings of one repository, or none at all.
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw invalid(SCHEME + bucket + "/" + prefix, "the prefix '" + prefix + "' has an empty, '.' or '..' part");
            }
        }
        return p;
    }

    private static UsageException invalid(String spec, String why) {
        return new UsageException("'" + spec + "' is not a usable S3 repository address: " + why,
                "write it as s3://BUCKET or s3://BUCKET/PREFIX, e.g. s3://acme-backups/pg/main");
    }

    /** The S3 key of a storage key. */
    public String key(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    /** The S3 prefix under which every object of this repository lives ("" or "prefix/"). */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The storage key of an S3 key under {@link #keyPrefix()}. */
    String relative(String s3Key) {
        return s3Key.substring(keyPrefix().length());
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? SCHEME + bucket : SCHEME + bucket + "/" + prefix;
    }
}
