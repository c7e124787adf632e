package io.walden.storage.s3;

import io.walden.storage.ObjectInfo;
import io.walden.storage.ObjectNotFoundException;
import io.walden.storage.PendingObject;
import io.walden.storage.Storage;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A repository in an S3 bucket (AWS or an S3-compatible server), under a key prefix. Object keys are
 * {@code prefix/key}.
 *
 * <p>A write is buffered up to one part in memory: a small object is one PUT at commit, a larger one a
 * multipart upload whose parts go up while the rest is still being written, a few at a time (see
 * {@link S3Upload}). Neither is visible before the commit, and an uncommitted multipart upload is aborted.
 * Commit-if-absent is a conditional write ({@code If-None-Match: *}), which S3 evaluates atomically.
 */
public final class S3Storage implements Storage {
    private final S3Location location;
    private final S3Settings settings;
    private final S3Client client;
    private final S3Errors errors;
    private final SdkAutoCloseable ownedCredentials;
    private final ExecutorService partUploads;
    private volatile boolean bucketSeen;
    private volatile boolean conditionalWritesRefused;

    /** A storage whose credentials come from the AWS default chain (environment, profile, web identity, role). */
    public S3Storage(S3Location location, S3Settings settings) {
        this(location, settings, DefaultCredentialsProvider.builder().build(), true);
    }

    /** A storage with given credentials (tests, and a caller that resolved them from its own environment). */
    public S3Storage(S3Location location, S3Settings settings, AwsCredentialsProvider credentials) {
        this(location, settings, credentials, false);
    }

    private S3Storage(S3Location location, S3Settings settings, AwsCredentialsProvider credentials, boolean owned) {
        this.location = location;
        this.settings = settings;
        String region = S3Clients.region(settings, location);
        this.errors = new S3Errors(location, settings.endpoint(), region);
        this.client = S3Clients.create(settings, region, credentials);
        this.ownedCredentials = owned && credentials instanceof SdkAutoCloseable c ? c : null;
        this.partUploads = Executors.newCachedThreadPool(daemonThreads());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "walden-s3-upload-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- what S3Upload uses -------------------------------------------------------------------------

    S3Client client() {
        return client;
    }

    S3Location s3Location() {
        return location;
    }

    S3Settings settings() {
        return settings;
    }

    S3Errors errors() {
        return errors;
    }

    ExecutorService partUploads() {
        return partUploads;
    }

    /**
     * True once the server answered a conditional write with 501 Not Implemented (some S3-compatible servers
     * do). Commit-if-absent then falls back to a HEAD and a plain write, which is only safe while no one else
     * writes the same key at the same moment; better that than failing every WAL push on such a server.
     */
    boolean conditionalWritesRefused() {
        return conditionalWritesRefused;
    }

    void refuseConditionalWrites() {
        conditionalWritesRefused = true;
    }

    // ---- Storage ------------------------------------------------------------------------------------

    private static String check(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("bad object key: " + key);
        }
        return key;
    }

    @Override
    public PendingObject create(String key) {
        return new S3Upload(this, check(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        check(key);
        return ObjectStream.open((from, to, ifMatch) -> get(key, from, to, ifMatch), location.key(key), 0, -1,
                settings.maxAttempts() - 1, settings.retryBaseDelay(), settings.retryMaxDelay());
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        check(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " of " + key);
        }
        if (length == 0) {
            // "bytes=N-(N-1)" is no range at all, so an empty read is answered from the object's size
            ObjectInfo info = stat(key).orElseThrow(() -> new ObjectNotFoundException(key, location()));
            if (offset > info.size()) {
                throw new IOException("range " + offset + "+0 is past the end of " + key + " (" + info.size() + " bytes)");
            }
            return InputStream.nullInputStream();
        }
        return ObjectStream.open((from, to, ifMatch) -> get(key, from, to, ifMatch), location.key(key), offset, length,
                settings.maxAttempts() - 1, settings.retryBaseDelay(), settings.retryMaxDelay());
    }

    private ResponseInputStream<GetObjectResponse> get(String key, long from, long to, String ifMatch) throws IOException {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(location.bucket()).key(location.key(key));
        if (from > 0 || to >= 0) {
            request.range("bytes=" + from + "-" + (to >= 0 ? String.valueOf(to - 1) : ""));
        }
        if (ifMatch != null) {
            request.ifMatch(ifMatch);
        }
        try {
            return client.getObject(request.build());
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key, location());
        } catch (SdkException e) {
            if (S3Errors.hasStatus(e, 416)) {
                throw new IOException("range " + from + "-" + (to - 1) + " is past the end of " + key, e);
            }
            if (ifMatch != null && S3Errors.hasStatus(e, 412)) {
                throw new ObjectStream.ChangedException(key + " in " + location() + " was replaced while it was being read", e);
            }
            throw errors.translate("download of", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        check(key);
        HeadObjectResponse head;
        try {
            head = client.headObject(b -> b.bucket(location.bucket()).key(location.key(key)));
        } catch (SdkException e) {
            if (e instanceof NoSuchKeyException || S3Errors.hasStatus(e, 404)) {
                confirmBucket();
                return Optional.empty();
            }
            throw errors.translate("HEAD of", key, e);
        }
        return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    }

    /**
     * A HEAD has no body, so its 404 does not say whether the key or the whole bucket is missing. The first
     * time, ask: a missing bucket is a configuration error, not an absent object.
     */
    private void confirmBucket() throws IOException {
        if (bucketSeen) {
            return;
        }
        try {
            client.headBucket(b -> b.bucket(location.bucket()));
        } catch (NoSuchBucketException e) {
            throw errors.noSuchBucket(e);
        } catch (SdkException e) {
            if (S3Errors.hasStatus(e, 404)) {
                throw errors.noSuchBucket(e);
            }
            if (!S3Errors.hasStatus(e, 403)) { // a policy may allow objects but not HeadBucket; the 404 stands
                throw errors.translate("HEAD of the bucket for", "", e);
            }
        }
        bucketSeen = true;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String s3Prefix = location.keyPrefix() + prefix;
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(location.bucket())
                .prefix(s3Prefix.isEmpty() ? null : s3Prefix)
                .build();
        // Keyed by the storage key: sorted as LocalStorage sorts, and once each even if pages overlapped.
        TreeMap<String, ObjectInfo> found = new TreeMap<>();
        try {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
                for (S3Object o : page.contents()) {
                    if (!o.key().startsWith(location.keyPrefix())) {
                        continue;
                    }
                    String key = location.relative(o.key());
                    if (key.isEmpty() || key.endsWith("/")) {
                        continue; // a "folder" made by a console, not an object of ours
                    }
                    found.putIfAbsent(key, new ObjectInfo(key, o.size() == null ? 0 : o.size(), o.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw errors.translate("listing of", prefix, e);
        }
        bucketSeen = true;
        return List.copyOf(found.values());
    }

    @Override
    public void delete(String key) throws IOException {
        check(key);
        try {
            client.deleteObject(b -> b.bucket(location.bucket()).key(location.key(key)));
        } catch (NoSuchKeyException e) {
            // already gone: deleting is idempotent
        } catch (SdkException e) {
            throw errors.translate("delete of", key, e);
        }
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public void close() {
        partUploads.shutdownNow();
        client.close();
        if (ownedCredentials != null) {
            ownedCredentials.close();
        }
    }
}
