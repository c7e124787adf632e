package io.walden.it;

import io.walden.storage.LocalStorage;
import io.walden.storage.Storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * The full crash matrix on the installed PostgreSQL, a local repository, the default compression (zstd),
 * no encryption.
 */
class CrashMatrixIT extends CrashMatrix {

    @Override
    String cell() {
        return "pg15-local-zstd-plain";
    }

    @Override
    Scenario start() {
        return new Scenario("crash", CrashMatrixIT::local);
    }

    static Scenario.Setup local(Path base) {
        Path repo = TestDirs.serverDir(base, "repo");
        return new Scenario.Setup(repo.toString(), repo, "", Map.of(), true);
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
