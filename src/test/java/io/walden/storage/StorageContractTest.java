package io.walden.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every {@link Storage} keeps (see its Javadoc). A backend gets it by a one-line subclass that
 * says how to make an empty storage.
 */
public abstract class StorageContractTest {

    @TempDir
    protected Path tempDir;

    protected Storage storage;

    /** An empty storage, private to one test. */
    protected abstract Storage newStorage(Path tempDir) throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        storage = newStorage(tempDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        storage.close();
    }

    protected void put(String key, byte[] content) throws IOException {
        try (PendingObject p = storage.create(key)) {
            p.stream().write(content);
            p.commit();
        }
    }

    protected void put(String key, String content) throws IOException {
        put(key, content.getBytes(StandardCharsets.UTF_8));
    }

    protected byte[] get(String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            return in.readAllBytes();
        }
    }

    protected String getString(String key) throws IOException {
        return new String(get(key), StandardCharsets.UTF_8);
    }

    protected List<String> keys(String prefix) throws IOException {
        return storage.list(prefix).stream().map(ObjectInfo::key).toList();
    }

    @Test
    void roundTrip() throws IOException {
        byte[] content = "hello, walden\n".getBytes(StandardCharsets.UTF_8);
        put("backups/20260213T143000Z/manifest.json", content);
        assertThat(get("backups/20260213T143000Z/manifest.json")).isEqualTo(content);
        ObjectInfo info = storage.stat("backups/20260213T143000Z/manifest.json").orElseThrow();
        assertThat(info.key()).isEqualTo("backups/20260213T143000Z/manifest.json");
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.modified()).isNotNull();
    }

    @Test
    void emptyObjectRoundTrip() throws IOException {
        put("empty", new byte[0]);
        assertThat(get("empty")).isEmpty();
        assertThat(storage.stat("empty").orElseThrow().size()).isZero();
        assertThat(keys("")).containsExactly("empty");
    }

    @Test
    void rangedRead() throws IOException {
        put("wal/0000000100000000/000000010000000000000001", "0123456789");
        try (InputStream in = storage.open("wal/0000000100000000/000000010000000000000001", 3, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
        }
        try (InputStream in = storage.open("wal/0000000100000000/000000010000000000000001", 0, 10)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
        }
        try (InputStream in = storage.open("wal/0000000100000000/000000010000000000000001", 9, 1)) {
            assertThat(in.read()).isEqualTo('9');
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = storage.open("wal/0000000100000000/000000010000000000000001", 10, 0)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void rangePastTheEndIsAnErrorNotASilentShortRead() throws IOException {
        put("k", "0123456789");
        assertThatThrownBy(() -> {
            try (InputStream in = storage.open("k", 8, 5)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void missingObject() throws IOException {
        assertThatThrownBy(() -> storage.open("a/missing"))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessage("no object a/missing in " + storage.location());
        assertThatThrownBy(() -> storage.open("a/missing", 0, 1))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessage("no object a/missing in " + storage.location());
        assertThat(storage.stat("a/missing")).isEmpty();
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.list("a/")).isEmpty();
    }

    @Test
    void listReturnsEachCommittedObjectOnceSortedAndFilteredByPrefix() throws IOException {
        for (String k : List.of("c", "b/2", "a/sub/3", "ab", "a/2", "a/1", "wal/00000001.history",
                "wal/0000000100000000/000000010000000000000002", "wal/0000000100000000/000000010000000000000001")) {
            put(k, k);
        }
        put("a/1", "a/1 again"); // replaced, still listed once
        // sorted by key as a string: '.' sorts before '0', '/' before letters
        assertThat(keys("")).containsExactly("a/1", "a/2", "a/sub/3", "ab", "b/2", "c", "wal/00000001.history",
                "wal/0000000100000000/000000010000000000000001", "wal/0000000100000000/000000010000000000000002");
        assertThat(keys("a/")).containsExactly("a/1", "a/2", "a/sub/3");
        assertThat(keys("a")).containsExactly("a/1", "a/2", "a/sub/3", "ab");
        assertThat(keys("a/s")).containsExactly("a/sub/3");
        assertThat(keys("a/sub/")).containsExactly("a/sub/3");
        assertThat(keys("wal/00000001")).containsExactly("wal/00000001.history",
                "wal/0000000100000000/000000010000000000000001", "wal/0000000100000000/000000010000000000000002");
        assertThat(keys("wal/0000000100000000/")).containsExactly(
                "wal/0000000100000000/000000010000000000000001", "wal/0000000100000000/000000010000000000000002");
        assertThat(keys("nothing/")).isEmpty();
        assertThat(keys("d")).isEmpty();

        List<ObjectInfo> infos = storage.list("a/");
        assertThat(infos.get(0).size()).isEqualTo("a/1 again".length());
        assertThat(infos.get(2).size()).isEqualTo("a/sub/3".length());
    }

    @Test
    void uncommittedWritesAreInvisible() throws IOException {
        put("backups/X/data/000001", "done");
        try (PendingObject p = storage.create("backups/X/data/000002")) {
            p.stream().write(new byte[300_000]);
            p.stream().flush();
            assertThat(keys("")).containsExactly("backups/X/data/000001");
            assertThat(keys("backups/X/")).containsExactly("backups/X/data/000001");
            assertThat(storage.stat("backups/X/data/000002")).isEmpty();
            assertThatThrownBy(() -> storage.open("backups/X/data/000002")).isInstanceOf(ObjectNotFoundException.class);
            p.commit();
        }
        assertThat(keys("")).containsExactly("backups/X/data/000001", "backups/X/data/000002");
        assertThat(storage.stat("backups/X/data/000002").orElseThrow().size()).isEqualTo(300_000);
    }

    @Test
    void uncommittedReplacementLeavesTheOldContentVisible() throws IOException {
        put("k", "old");
        try (PendingObject p = storage.create("k")) {
            p.stream().write("new".getBytes(StandardCharsets.UTF_8));
            p.stream().flush();
            assertThat(getString("k")).isEqualTo("old");
        }
        assertThat(getString("k")).isEqualTo("old");
        assertThat(keys("")).containsExactly("k");
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (PendingObject p = storage.create("backups/X/manifest.json")) {
            p.stream().write("partial".getBytes(StandardCharsets.UTF_8));
            p.stream().close();
        }
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.stat("backups/X/manifest.json")).isEmpty();
        assertThatThrownBy(() -> storage.open("backups/X/manifest.json")).isInstanceOf(ObjectNotFoundException.class);

        // the key is still free
        try (PendingObject p = storage.create("backups/X/manifest.json")) {
            p.stream().write("full".getBytes(StandardCharsets.UTF_8));
            assertThat(p.commitIfAbsent()).isTrue();
        }
        assertThat(getString("backups/X/manifest.json")).isEqualTo("full");
        assertThat(keys("")).containsExactly("backups/X/manifest.json");
    }

    @Test
    void closingAfterCommitKeepsTheObject() throws IOException {
        PendingObject p = storage.create("k");
        p.stream().write(42);
        p.commit();
        p.close();
        p.close();
        assertThat(get("k")).containsExactly(42);
    }

    @Test
    void deleteIsIdempotent() throws IOException {
        put("a/1", "x");
        put("a/2", "y");
        storage.delete("a/1");
        assertThat(storage.stat("a/1")).isEmpty();
        assertThatThrownBy(() -> storage.open("a/1")).isInstanceOf(ObjectNotFoundException.class);
        storage.delete("a/1");
        storage.delete("never/was/here");
        assertThat(keys("")).containsExactly("a/2");
        assertThat(getString("a/2")).isEqualTo("y");
    }

    @Test
    void commitReplaces() throws IOException {
        put("walden.json", "first");
        put("walden.json", "second, longer");
        assertThat(getString("walden.json")).isEqualTo("second, longer");
        assertThat(storage.stat("walden.json").orElseThrow().size()).isEqualTo("second, longer".length());
        assertThat(keys("")).containsExactly("walden.json");
    }

    @Test
    void commitIfAbsentKeepsTheFirstContent() throws IOException {
        try (PendingObject p = storage.create("wal/0000000100000000/000000010000000000000001")) {
            p.stream().write("first".getBytes(StandardCharsets.UTF_8));
            assertThat(p.commitIfAbsent()).isTrue();
        }
        try (PendingObject p = storage.create("wal/0000000100000000/000000010000000000000001")) {
            p.stream().write("second".getBytes(StandardCharsets.UTF_8));
            assertThat(p.commitIfAbsent()).isFalse();
        }
        assertThat(getString("wal/0000000100000000/000000010000000000000001")).isEqualTo("first");
        assertThat(keys("")).containsExactly("wal/0000000100000000/000000010000000000000001");
    }

    @Test
    void commitIfAbsentAfterCommitRefuses() throws IOException {
        put("k", "committed");
        try (PendingObject p = storage.create("k")) {
            p.stream().write("other".getBytes(StandardCharsets.UTF_8));
            assertThat(p.commitIfAbsent()).isFalse();
        }
        assertThat(getString("k")).isEqualTo("committed");
        assertThat(keys("")).containsExactly("k");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentCommitIfAbsentHasExactlyOneWinner() throws Exception {
        int writers = 12;
        int size = 200_000;
        CyclicBarrier atCommit = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int writer = i;
                Callable<Boolean> task = () -> {
                    try (PendingObject p = storage.create("wal/0000000100000000/00000001000000000000000A")) {
                        byte[] content = new byte[size];
                        Arrays.fill(content, (byte) writer);
                        content[0] = 'W';
                        OutputStream out = p.stream();
                        for (int off = 0; off < size; off += 10_000) {
                            out.write(content, off, 10_000);
                        }
                        atCommit.await(30, TimeUnit.SECONDS);
                        return p.commitIfAbsent();
                    }
                };
                results.add(pool.submit(task));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                if (f.get(60, TimeUnit.SECONDS)) {
                    winners++;
                }
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        byte[] stored = get("wal/0000000100000000/00000001000000000000000A");
        assertThat(stored).hasSize(size);
        assertThat(stored[0]).isEqualTo((byte) 'W');
        byte writer = stored[1];
        assertThat((int) writer).isBetween(0, writers - 1);
        for (int i = 1; i < size; i++) {
            if (stored[i] != writer) {
                throw new AssertionError("byte " + i + " is from writer " + stored[i] + ", byte 1 from writer " + writer);
            }
        }
        assertThat(keys("")).containsExactly("wal/0000000100000000/00000001000000000000000A");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void largeObjectIsStreamed() throws Exception {
        long total = 64L * 1024 * 1024;
        byte[] block = new byte[1024 * 1024];
        Random random = new Random(11);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        try (PendingObject p = storage.create("backups/X/data/000001")) {
            OutputStream out = p.stream();
            for (long off = 0; off < total; off += block.length) {
                random.nextBytes(block);
                written.update(block);
                out.write(block);
            }
            p.commit();
        }
        assertThat(storage.stat("backups/X/data/000001").orElseThrow().size()).isEqualTo(total);

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = storage.open("backups/X/data/000001")) {
            int n;
            while ((n = in.read(block)) >= 0) {
                read.update(block, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(total);
        assertThat(read.digest()).isEqualTo(written.digest());

        // the last 44 bytes (where an object's trailer sits), with one ranged read
        Random again = new Random(11);
        for (int i = 0; i < 64; i++) {
            again.nextBytes(block);
        }
        try (InputStream in = storage.open("backups/X/data/000001", total - 44, 44)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(block, block.length - 44, block.length));
        }
    }
}
