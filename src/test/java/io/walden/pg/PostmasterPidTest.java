package io.walden.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PostmasterPidTest {
    @TempDir
    Path pgdata;

    @Test
    void readsAllLinesOfARunningServer() throws IOException {
        Files.writeString(pgdata.resolve("postmaster.pid"), String.join("\n",
                "31337", "/var/lib/postgresql/15/main", "1732171234", "5433", "/var/run/postgresql",
                "127.0.0.1", "  5433001     32768", "ready   ", ""));

        PostmasterPid pid = PostmasterPid.read(pgdata).orElseThrow();

        assertThat(pid).isEqualTo(new PostmasterPid(31337, Path.of("/var/lib/postgresql/15/main"), 1732171234L,
                5433, "/var/run/postgresql", "127.0.0.1", "ready"));
        assertThat(pid.acceptsConnections()).isTrue();
    }

    @Test
    void statusAndSocketMayBeMissing() throws IOException {
        Files.writeString(pgdata.resolve("postmaster.pid"), "100\n/data\n1700000000\n5432\n\n*\n");

        PostmasterPid pid = PostmasterPid.read(pgdata).orElseThrow();

        assertThat(pid.socketDirectory()).isEmpty();
        assertThat(pid.listenAddress()).isEqualTo("*");
        assertThat(pid.status()).isEmpty();
        assertThat(pid.acceptsConnections()).isFalse();
    }

    @Test
    void missingFileIsEmpty() {
        assertThat(PostmasterPid.read(pgdata)).isEmpty();
    }

    @Test
    void halfWrittenFileIsEmpty() throws IOException {
        Files.writeString(pgdata.resolve("postmaster.pid"), "100\n/data\n17000");
        assertThat(PostmasterPid.read(pgdata)).isEmpty();

        Files.writeString(pgdata.resolve("postmaster.pid"), "100\n/data\n1700000000\n54x\n");
        assertThat(PostmasterPid.read(pgdata)).isEmpty();
    }
}
