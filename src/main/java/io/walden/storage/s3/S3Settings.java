package io.walden.storage.s3;

import software.amazon.awssdk.services.s3.model.StorageClass;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How to talk to S3. Credentials are deliberately not here: they come only from the AWS default chain
 * (environment, profile, web identity, container or instance role), so they never pass through a flag, a
 * config file of walden's or a message.
 *
 * @param endpoint       an S3-compatible server (MinIO, Ceph, ...), or null for AWS itself
 * @param pathStyle      address buckets as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key};
 *                       most self-hosted servers need it
 * @param region         the signing region, or null: "us-east-1" with an endpoint, else the AWS default region
 *                       chain (AWS_REGION, the profile, the instance)
 * @param storageClass   the storage class of new objects (STANDARD_IA, ...), or null for the bucket's default
 * @param partSize       objects up to this size are one PUT, larger ones a multipart upload of parts this big; the
 *                       largest object is 10,000 parts (156 GiB at the default 16 MiB)
 * @param maxConcurrency part uploads in flight per object being written; memory is about
 *                       {@code (maxConcurrency + 1) * partSize} per object whatever its size
 * @param maxAttempts    tries of one request before it fails, the first included
 * @param retryBaseDelay the first retry waits up to this long (full jitter), each next one up to twice as long;
 *                       throttling (503 SlowDown) starts five times higher
 * @param retryMaxDelay  the longest wait between two tries
 * @param connectTimeout how long to wait for a TCP connection
 * @param readTimeout    how long a connection may stay silent while a request or response is on it
 * @param attemptTimeout the longest one try of one request may take, body included; bounds a hung
 *                       connection, and must leave time to upload one part on a slow link
 */
public record S3Settings(URI endpoint, boolean pathStyle, String region, String storageClass, int partSize,
                         int maxConcurrency, int maxAttempts, Duration retryBaseDelay, Duration retryMaxDelay,
                         Duration connectTimeout, Duration readTimeout, Duration attemptTimeout) {

    /** S3 refuses smaller parts (but the last). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Parts are held in memory; S3 would take up to 5 GiB. */
    public static final int MAX_PART_SIZE = 1024 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    /** The region S3-compatible servers expect when they care at all. */
    static final String ENDPOINT_REGION = "us-east-1";

    public S3Settings {
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("the S3 endpoint must be an http:// or https:// address, not " + endpoint);
            }
        }
        if (region != null && region.isBlank()) {
            region = null;
        }
        if (storageClass != null) {
            storageClass = storageClass.isBlank() ? null : storageClass.trim().toUpperCase(Locale.ROOT);
            if (storageClass != null && StorageClass.fromValue(storageClass) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("unknown S3 storage class " + storageClass + "; known: "
                        + new TreeSet<>(StorageClass.knownValues().stream().map(StorageClass::toString).toList()));
            }
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("the S3 part size must be between 5 MiB and 1 GiB, not " + partSize + " bytes");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("at least one part upload must be allowed in flight, not " + maxConcurrency);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed, not " + maxAttempts);
        }
        for (Duration d : new Duration[] {retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout}) {
            Objects.requireNonNull(d, "S3 durations");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("S3 delays and timeouts must be positive, not " + d);
            }
        }
    }

    /** AWS S3 in the region of the default chain, with the defaults above. */
    public static S3Settings defaults() {
        return new S3Settings(null, false, null, null, DEFAULT_PART_SIZE, 4, 8,
                Duration.ofMillis(200), Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5));
    }

    /**
     * Talks to an S3-compatible server instead of AWS. Turns path-style addressing on, since a self-hosted
     * server seldom has the wildcard DNS that bucket-in-hostname needs; {@link #withPathStyle} undoes it.
     */
    public S3Settings withEndpoint(URI endpoint) {
        return new S3Settings(endpoint, endpoint != null || pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withPathStyle(boolean pathStyle) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withRegion(String region) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withStorageClass(String storageClass) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withPartSize(int partSize) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withMaxConcurrency(int maxConcurrency) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withRetries(int maxAttempts, Duration retryBaseDelay, Duration retryMaxDelay) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    public S3Settings withTimeouts(Duration connectTimeout, Duration readTimeout, Duration attemptTimeout) {
        return new S3Settings(endpoint, pathStyle, region, storageClass, partSize, maxConcurrency,
                maxAttempts, retryBaseDelay, retryMaxDelay, connectTimeout, readTimeout, attemptTimeout);
    }

    /** The region to sign for, or null to ask the AWS default region chain. */
    String fixedRegion() {
        if (region != null) {
            return region;
        }
        return endpoint != null ? ENDPOINT_REGION : null;
    }
}
