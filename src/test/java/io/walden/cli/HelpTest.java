package io.walden.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command answers --help with its usage and a real example, exit 0, and nothing on stderr. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"backup", "list", "wal-push", "wal-fetch", "restore", "restore-table", "preview", "drill", "report",
            "status", "blame", "verify", "delete", "keep",
            "unkeep", "key", "key generate", "key rotate", "key list", "repo", "repo info", "version", "demo", "daemon"})
    void everyCommandHasHelpWithAnExample(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = (command + " --help").split(" ");
        int exit = Walden.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(help).startsWith("Usage: walden " + command).contains("Example").doesNotContain("%n");
    }
}
