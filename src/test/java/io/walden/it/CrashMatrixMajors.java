package io.walden.it;

import io.walden.storage.LocalStorage;
import io.walden.storage.Storage;
import io.walden.wal.decode.EmbeddedPgBinaries;

import java.nio.file.Path;
import java.util.Set;

/**
 * A smaller crash matrix on a PostgreSQL major that is not installed here (server binaries from Maven
 * Central), local repository, zstd, no encryption: one kill per command where the major matters most,
 * namely the copy under backup mode, an archived segment PostgreSQL saw fail, and a restore killed while
 * writing and while its own server replays WAL. walden.crash.full=true runs every kill.
 */
abstract class CrashMatrixMajors extends CrashMatrix {
    static final Set<String> KILLS = Set.of("backup backup.mid-copy", "wal-push wal-push.after-upload",
            "restore restore.mid-write", "restore restore.during-recovery");

    abstract int major();

    @Override
    String cell() {
        return "pg" + major() + "-local-zstd-plain";
    }

    @Override
    Set<String> quickKills() {
        return KILLS;
    }

    @Override
    Scenario start() {
        Path jar = EmbeddedPgBinaries.jar(major()).orElseThrow(() -> new IllegalStateException(
                "the PostgreSQL " + major() + " binaries are missing from target/pg-binaries; run 'mvn verify'"));
        return new Scenario("crash-pg" + major(), base -> EmbeddedPgBinaries.unpack(major(), jar, base.resolve("pg" + major())),
                CrashMatrixIT::local);
    }

    @Override
    Storage storage(String spec) {
        return new LocalStorage(Path.of(spec));
    }

    @Override
    String freshRepository(String name) {
        return TestDirs.serverDir(s.base, name).toString();
    }
}
