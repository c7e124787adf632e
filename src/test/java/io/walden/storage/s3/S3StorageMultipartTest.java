package io.walden.storage.s3;

import io.walden.storage.ObjectInfo;
import io.walden.storage.PendingObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Large objects: multipart uploads, their abort, reads across parts, and the server's conditional writes. */
class S3StorageMultipartTest {
    private static final int PART = S3TestServer.PART_SIZE;
    private static S3TestServer server;
    private static S3Client s3;

    private S3Location location;
    private S3Storage storage;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
        s3 = server.client();
    }

    @AfterAll
    static void closeClient() {
        s3.close();
    }

    @BeforeEach
    void newStorage() {
        location = server.freshLocation();
        storage = server.storage(server.settings(), location);
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void put(String key, byte[] content) throws IOException {
        try (PendingObject p = storage.create(key)) {
            OutputStream out = p.stream();
            for (int off = 0; off < content.length; off += 100_000) { // many small writes, like an encoder's
                out.write(content, off, Math.min(100_000, content.length - off));
            }
            p.commit();
        }
    }

    private byte[] get(String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            return in.readAllBytes();
        }
    }

    private String eTag(String key) {
        return s3.headObject(b -> b.bucket(server.bucket()).key(location.key(key))).eTag();
    }

    private List<MultipartUpload> pendingUploads() {
        return s3.listMultipartUploads(b -> b.bucket(server.bucket()).prefix(location.keyPrefix())).uploads();
    }

    @Test
    void largeObjectRoundTripsAsAMultipartUpload() throws IOException {
        byte[] content = random(40 * 1024 * 1024, 1);
        put("backups/X/data/000001", content);

        assertThat(eTag("backups/X/data/000001")).as("a multipart ETag counts its parts").endsWith("-8\"");
        assertThat(storage.stat("backups/X/data/000001").orElseThrow().size()).isEqualTo(content.length);
        assertThat(get("backups/X/data/000001")).isEqualTo(content);
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    void anObjectOfExactlyOnePartIsOnePutAndOneByteMoreIsTwoParts() throws IOException {
        put("one", random(PART, 2));
        put("two", random(PART + 1, 3));
        assertThat(eTag("one")).doesNotContain("-");
        assertThat(eTag("two")).endsWith("-2\"");
        assertThat(get("one")).isEqualTo(random(PART, 2));
        assertThat(get("two")).isEqualTo(random(PART + 1, 3));
    }

    @Test
    void anAbandonedLargeWriteLeavesNeitherObjectNorUpload() throws IOException {
        try (PendingObject p = storage.create("backups/X/data/000002")) {
            p.stream().write(random(3 * PART + 17, 4));
            assertThat(pendingUploads()).as("parts are on their way").hasSize(1);
            assertThat(storage.list("")).isEmpty();
        }
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.stat("backups/X/data/000002")).isEmpty();
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    void rangedReadAcrossAPartBoundary() throws IOException {
        byte[] content = random(3 * PART, 5);
        put("k", content);
        int from = PART - 1000;
        try (InputStream in = storage.open("k", from, 2000)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, from, from + 2000));
        }
        try (InputStream in = storage.open("k", 2L * PART - 1, PART + 1)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 2 * PART - 1, 3 * PART));
        }
    }

    @Test
    void closingALargeReadEarlyDoesNotReadTheRest() throws IOException {
        put("k", random(3 * PART, 6));
        try (InputStream in = storage.open("k")) {
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(random(3 * PART, 6), 10));
        }
        assertThat(get("k")).hasSize(3 * PART);
    }

    @Test
    void commitIfAbsentOfALargeObjectKeepsTheFirstAndAbortsTheSecond() throws IOException {
        byte[] first = random(2 * PART + 5, 7);
        try (PendingObject p = storage.create("wal/big")) {
            p.stream().write(first);
            assertThat(p.commitIfAbsent()).isTrue();
        }
        try (PendingObject p = storage.create("wal/big")) {
            p.stream().write(random(2 * PART + 5, 8));
            assertThat(p.commitIfAbsent()).isFalse();
        }
        assertThat(get("wal/big")).isEqualTo(first);
        assertThat(storage.list("").stream().map(ObjectInfo::key)).containsExactly("wal/big");
        assertThat(pendingUploads()).isEmpty();
    }

    /**
     * What commit-if-absent rests on: the server itself refuses a second conditional write, also when both
     * race (no HEAD in front of them, unlike S3Storage).
     */
    @Test
    void theServerEvaluatesIfNoneMatchAtomically() throws Exception {
        String key = location.key("race");
        int writers = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] body = random(100_000, i);
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        s3.putObject(b -> b.bucket(server.bucket()).key(key).ifNoneMatch("*"), RequestBody.fromBytes(body));
                        return true;
                    } catch (S3Exception e) {
                        assertThat(e.statusCode()).isIn(409, 412);
                        return false;
                    }
                }));
            }
            int created = 0;
            for (Future<Boolean> f : results) {
                created += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket(server.bucket()).key(key).ifNoneMatch("*"),
                RequestBody.fromString("late")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }

    /** Sent with the PUT and with the start of a multipart upload (s3proxy keeps it only for the former). */
    @Test
    void storageClassIsSentWithEachWrite() throws IOException {
        try (FaultProxy observer = new FaultProxy(server.port());
             S3Storage ia = server.storage(server.settings().withEndpoint(observer.endpoint()).withStorageClass("standard_ia"), location)) {
            try (PendingObject p = ia.create("small")) {
                p.stream().write(1);
                p.commit();
            }
            try (PendingObject p = ia.create("large")) {
                p.stream().write(random(PART + 1, 9));
                p.commit();
            }
            List<String> writes = observer.requestHeads().stream()
                    .filter(h -> h.startsWith("PUT ") && !h.contains("partNumber=") || h.startsWith("POST ") && h.contains("?uploads"))
                    .toList();
            assertThat(writes).hasSize(2).allSatisfy(h -> assertThat(h.toLowerCase(java.util.Locale.ROOT))
                    .contains("x-amz-storage-class: standard_ia"));
        }
        assertThat(s3.headObject(b -> b.bucket(server.bucket()).key(location.key("small"))).storageClassAsString())
                .isEqualTo("STANDARD_IA");
    }
}
