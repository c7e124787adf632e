package io.walden.codec;

import com.github.luben.zstd.util.ZstdVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * zstd's native library from a copy kept in walden's cache folder (system property walden.cache, which bin/walden
 * sets to target/ or the user's cache folder) instead of the copy zstd-jni writes to a temp file and deletes in
 * every process: that cost 50 ms of each wal-push. The copy is written once (temp file, fsync, rename), used as it
 * is once it exists, and named by zstd-jni's version and the architecture. Without the property, or on any failure,
 * zstd-jni loads its library the usual way.
 */
final class ZstdLibrary {
    private static boolean prepared;

    private ZstdLibrary() {
    }

    /** Call before the first zstd stream of the process. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        String cache = System.getProperty("walden.cache");
        if (cache == null || cache.isEmpty() || System.getProperty("ZstdNativePath") != null
                || !"linux".equalsIgnoreCase(System.getProperty("os.name"))) {
            return;
        }
        String arch = System.getProperty("os.arch");
        try {
            Path copy = Path.of(cache, "libzstd-jni-" + ZstdVersion.VERSION + "-" + arch + ".so");
            // a copy only ever appears whole (renamed into place after fsync), so one that exists is used as it is:
            // looking the library up in the jar to compare sizes cost each process another 20 ms
            if (!Files.isRegularFile(copy)) {
                URL resource = ZstdLibrary.class.getResource("/linux/" + arch + "/libzstd-jni-" + ZstdVersion.VERSION + ".so");
                if (resource == null) {
                    return;
                }
                write(resource, copy);
            }
            if (Files.size(copy) > 0) {
                System.setProperty("ZstdNativePath", copy.toString());
            }
        } catch (IOException | RuntimeException e) {
            // a read-only or full cache folder: zstd-jni extracts its own copy
        }
    }

    private static void write(URL resource, Path copy) throws IOException {
        Path temp = copy.resolveSibling("." + copy.getFileName() + "." + ProcessHandle.current().pid());
        try (InputStream in = resource.openStream();
             FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            OutputStream stream = Channels.newOutputStream(out);
            in.transferTo(stream);
            stream.flush();
            out.force(true); // a crash must not leave a truncated library under the final name
        }
        try {
            Files.move(temp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
