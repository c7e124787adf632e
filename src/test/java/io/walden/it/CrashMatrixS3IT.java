package io.walden.it;

import io.walden.pg.ShellQuote;
import io.walden.storage.Storage;
import io.walden.storage.s3.S3TestEndpoint;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The crash matrix on the other kind of repository: S3 (s3proxy in this JVM), encrypted with a keyset,
 * every object compressed with lz4. On S3 a write killed before its commit leaves an unfinished multipart
 * upload or nothing, never a visible object, and the lock is an object like any other.
 *
 * <p>Every kill takes three times as long here as on a local folder, so by default the cell runs the kills
 * whose leftovers differ on S3: an object killed before its commit, a backup with every object and no
 * manifest, both wal-push kills, a delete between objects, and a restore killed while writing and while its
 * server fetches WAL from S3 through the keyset. walden.crash.full=true runs them all.
 */
class CrashMatrixS3IT extends CrashMatrix {
    private final S3TestEndpoint s3 = S3TestEndpoint.shared();

    @Override
    String cell() {
        return "pg15-s3-lz4-encrypted";
    }

    @Override
    Set<String> quickKills() {
        return Set.of("backup object.before-commit", "backup backup.before-manifest", "wal-push object.before-commit",
                "wal-push wal-push.after-upload", "delete delete.mid-objects", "restore restore.mid-write",
                "restore restore.during-recovery");
    }

    @Override
    Scenario start() {
        return new Scenario("crash-s3", base -> {
            Path keys = TestKeys.generate(base);
            Map<String, String> env = new HashMap<>(s3.env());
            env.put("WALDEN_ENCRYPTION_KEY_FILE", keys.toString());
            env.put("WALDEN_COMPRESSION", "lz4");
            String prefix = "crash-" + Long.toHexString(System.nanoTime());
            return new Scenario.Setup(s3.repo(prefix), null,
                    " --compression lz4 --encryption-key-file " + ShellQuote.quote(keys.toString()), env, true);
        });
    }

    @Override
    Storage storage(String spec) {
        String root = s3.repo("");
        if (!spec.startsWith(root)) {
            throw new IllegalArgumentException(spec + " is not in the test bucket " + root);
        }
        return s3.storage(spec.substring(root.length()));
    }

    @Override
    String freshRepository(String name) {
        return s.repoSpec + "-" + name;
    }
}
