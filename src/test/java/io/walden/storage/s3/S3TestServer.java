package io.walden.storage.s3;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3 server in this JVM: s3proxy with its in-memory store, on a free loopback port, enforcing AWS
 * signatures with credentials made up at start. One bucket exists. Needs no network and no environment.
 */
final class S3TestServer implements AutoCloseable {
    static final int PART_SIZE = S3Settings.MIN_PART_SIZE;

    private final BlobStore store;
    private final S3Proxy proxy;
    private final String accessKey = randomHex(10);
    private final String secretKey = randomHex(20);
    private final String bucket = "walden-test-" + randomHex(4);
    private final AtomicInteger prefixes = new AtomicInteger();
    private final URI endpoint;
    private static S3TestServer shared;

    S3TestServer() throws Exception {
        store = new TransientNio2BlobStore();
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .stopTimeout(0)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    /**
     * One server for every test class in this JVM: starting s3proxy and warming it up costs seconds, a fresh
     * prefix per test keeps tests apart. Stopped when the JVM exits.
     */
    static synchronized S3TestServer shared() throws Exception {
        if (shared == null) {
            S3TestServer server = new S3TestServer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    // the JVM is going away anyway
                }
            }));
            shared = server;
        }
        return shared;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    URI endpoint() {
        return endpoint;
    }

    int port() {
        return proxy.getPort();
    }

    String bucket() {
        return bucket;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** Settings for this server: smallest parts, and retries quick enough for tests. */
    S3Settings settings() {
        return S3Settings.defaults()
                .withEndpoint(endpoint)
                .withPartSize(PART_SIZE)
                .withRetries(4, Duration.ofMillis(1), Duration.ofMillis(20));
    }

    /** A fresh, empty location in the bucket. */
    S3Location freshLocation() {
        return new S3Location(bucket, "t" + prefixes.incrementAndGet() + "/repo");
    }

    S3Storage storage(S3Settings settings, S3Location location) {
        return new S3Storage(location, settings, credentials());
    }

    S3Storage storage() {
        return storage(settings(), freshLocation());
    }

    /** A plain SDK client, to look at the bucket behind the storage's back. */
    S3Client client() {
        return S3Clients.create(settings(), S3Settings.ENDPOINT_REGION, credentials());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        store.close();
    }
}
