package io.walden.restore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServerOptionsTest {

    @Test
    void debianClusterKeepsItsConfigFile() {
        assertThat(ServerOptions.parse("/usr/lib/postgresql/15/bin/postgres \"-D\" \"/var/lib/postgresql/15/main\" "
                + "\"-c\" \"config_file=/etc/postgresql/15/main/postgresql.conf\"\n"))
                .containsExactly("-c", "config_file=/etc/postgresql/15/main/postgresql.conf");
    }

    @Test
    void dataDirectoryInAnyFormIsDropped() {
        assertThat(ServerOptions.parse("/usr/bin/postgres \"-D/data\" \"-p\" \"5433\"")).containsExactly("-p", "5433");
        assertThat(ServerOptions.parse("/usr/bin/postgres -D /data -p 5433")).containsExactly("-p", "5433");
        assertThat(ServerOptions.parse("/usr/bin/postgres")).isEmpty();
        assertThat(ServerOptions.parse("")).isEmpty();
    }

    @Test
    void quotedValuesKeepSpacesAndEscapedQuotes() {
        assertThat(ServerOptions.parse("/usr/bin/postgres \"-D\" \"/my data\" \"-c\" \"search_path=\\\"$user\\\", public\""))
                .containsExactly("-c", "search_path=\"$user\", public");
    }

    @Test
    void readsPostmasterOptsFromPgdata(@TempDir Path pgdata) throws IOException {
        assertThat(ServerOptions.of(pgdata)).isEmpty();
        Files.writeString(pgdata.resolve("postmaster.opts"),
                "/usr/lib/postgresql/16/bin/postgres \"-D\" \"/var/lib/postgresql/16/main\" \"-c\" \"config_file=/etc/postgresql/16/main/postgresql.conf\"\n");
        assertThat(ServerOptions.of(pgdata)).containsExactly("-c", "config_file=/etc/postgresql/16/main/postgresql.conf");
    }
}
