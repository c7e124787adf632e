package io.walden.it;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A keyset made with 'walden key generate' in a base directory, owned by the server's user (archive_command reads it). */
final class TestKeys {
    private TestKeys() {
    }

    static Path generate(Path base) {
        Path keys = TestDirs.serverDir(base, "keys").resolve("walden.keyset");
        Cli.Result r = new Cli(Map.of()).run("key", "generate", keys.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        TestDirs.giveToServer(keys);
        return keys;
    }
}
