package io.walden.bench;

import io.walden.codec.Compression;
import io.walden.codec.Keyring;
import io.walden.codec.ObjectCodec;
import io.walden.codec.ObjectDecoder;
import io.walden.pg.DirectoryTree;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import io.walden.storage.Storage;
import io.walden.storage.s3.S3TestEndpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What compression, encryption and the storage cost on a real data directory: each setting encodes every
 * file of PGDATA (2 threads, like a backup with --jobs 2) and reports ratio and MB/s; then the same files
 * are written to and read back (checksums verified) from a local repository and the in-process S3 server.
 * Run by bench/storage; prints a Markdown table. Not a test: it asserts nothing and the build never runs it.
 */
public final class StorageThroughput {
    private static final int THREADS = 2;

    record Row(String what, long plain, long stored, double seconds) {
        String format() {
            double mb = plain / 1048576.0;
            return String.format(Locale.ROOT, "| %-40s | %8.0f | %9.0f | %6.2f | %6.1f | %6.0f |", what, mb,
                    stored / 1048576.0, stored == 0 ? 0 : (double) plain / stored, seconds, mb / seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        Path pgdata = Path.of(args[0]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(pgdata)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/pg_wal/")).sorted().toList();
        }
        Keyring keys = Keyring.generate("bench");
        System.out.println("| operation                                | plain MB | stored MB |  ratio |      s |   MB/s |");
        System.out.println("|------------------------------------------|---------:|----------:|-------:|-------:|-------:|");
        record Setting(String name, ObjectCodec codec) {}
        List<Setting> settings = List.of(
                new Setting("none", new ObjectCodec(Compression.NONE, 0, Optional.empty())),
                new Setting("lz4", new ObjectCodec(Compression.LZ4, 1, Optional.empty())),
                new Setting("zstd 1", new ObjectCodec(Compression.ZSTD, 1, Optional.empty())),
                new Setting("zstd 3", new ObjectCodec(Compression.ZSTD, 3, Optional.empty())),
                new Setting("zstd 6", new ObjectCodec(Compression.ZSTD, 6, Optional.empty())),
                new Setting("none + aes-256-gcm", new ObjectCodec(Compression.NONE, 0, Optional.of(keys))),
                new Setting("lz4 + aes-256-gcm", new ObjectCodec(Compression.LZ4, 1, Optional.of(keys))),
                new Setting("zstd 1 + aes-256-gcm", new ObjectCodec(Compression.ZSTD, 1, Optional.of(keys))));
        for (Setting s : settings) {
            System.out.println(encodeOnly(s.name(), s.codec(), files, pgdata).format());
        }
        Path tmp = Files.createTempDirectory("walden-bench-repo");
        ObjectCodec zstd = new ObjectCodec(Compression.ZSTD, 1, Optional.empty());
        try (Storage local = new LocalStorage(tmp.resolve("repo"))) {
            storeAndRead("local", new Repository(local, zstd), files, pgdata);
        }
        try (Storage s3 = S3TestEndpoint.shared().storage("bench-" + System.nanoTime())) {
            storeAndRead("S3 in-process", new Repository(s3, zstd), files, pgdata);
        }
        DirectoryTree.delete(tmp);
        System.exit(0); // the S3 server's threads would keep the JVM alive
    }

    private static Row encodeOnly(String name, ObjectCodec codec, List<Path> files, Path pgdata) throws Exception {
        AtomicLong plain = new AtomicLong();
        AtomicLong stored = new AtomicLong();
        long start = System.nanoTime();
        parallel(files, f -> {
            CountingSink sink = new CountingSink();
            try (var enc = codec.encoder(sink, pgdata.relativize(f).toString(), "")) {
                plain.addAndGet(Files.copy(f, enc));
            }
            stored.addAndGet(sink.count);
        });
        return new Row("encode " + name, plain.get(), stored.get(), (System.nanoTime() - start) / 1e9);
    }

    private static void storeAndRead(String name, Repository repo, List<Path> files, Path pgdata) throws Exception {
        AtomicLong plain = new AtomicLong();
        AtomicLong stored = new AtomicLong();
        long start = System.nanoTime();
        parallel(files, f -> {
            Repository.Written w = repo.write("bench/" + pgdata.relativize(f), "", false, out -> Files.copy(f, out));
            plain.addAndGet(w.trailer().plainLength());
            stored.addAndGet(w.storedSize());
        });
        System.out.println(new Row("write zstd 1 to " + name, plain.get(), stored.get(), (System.nanoTime() - start) / 1e9).format());
        start = System.nanoTime();
        parallel(files, f -> {
            try (ObjectDecoder in = repo.read("bench/" + pgdata.relativize(f))) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        });
        System.out.println(new Row("read + verify from " + name, plain.get(), stored.get(), (System.nanoTime() - start) / 1e9).format());
    }

    interface FileTask {
        void run(Path f) throws IOException;
    }

    private static void parallel(List<Path> files, FileTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (Path f : files) {
                all.add(pool.submit(() -> {
                    task.run(f);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
