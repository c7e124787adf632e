package io.walden.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** wal-push read without picocli means exactly what picocli reads, or is left to picocli. */
class DirectWalPushTest {
    @TempDir
    Path dir;

    /** Everything a wal-push run depends on, as read from the command line and settings. */
    private record Reading(String repo, String compression, Integer level, Path keyFile, String endpoint, Boolean pathStyle,
                           String region, String storageClass, boolean debug, WalPushCommand.Request request) {
        static Reading of(Context c, WalPushCommand.Request r) {
            return new Reading(c.repo, c.compression, c.compressionLevel, c.encryptionKeyFile, c.s3Endpoint, c.s3PathStyle,
                    c.s3Region, c.s3StorageClass, c.debug, r);
        }
    }

    private Context context(Map<String, String> env) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return new Context(env, sink, sink);
    }

    private Reading direct(Map<String, String> env, String... args) {
        Context ctx = context(env);
        WalPushCommand.Request r = DirectWalPush.parse(args).flatMap(d -> d.resolve(new Settings(env), ctx)).orElse(null);
        return r == null ? null : Reading.of(ctx, r);
    }

    private Reading picocli(Map<String, String> env, String... args) {
        Context ctx = context(env);
        CommandLine cl = Subcommands.commandLine(ctx, args);
        cl.setDefaultValueProvider(new SettingsProvider(new Settings(env)));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        WalPushCommand push = (WalPushCommand) parsed.subcommand().commandSpec().userObject();
        return Reading.of(ctx, new WalPushCommand.Request(push.path, push.async, push.spool, push.idle, push.jobs));
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("WALDEN_CONFIG", dir.resolve("none.conf").toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void theCommandLinesOfArchiveCommandMeanWhatPicocliReads() throws Exception {
        Path config = Files.writeString(dir.resolve("walden.conf"), "repo = /from/config\nasync = yes\ns3-region = eu-west-1\n");
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {env(), new String[] {"--repo", "/backups/main", "wal-push", "pg_wal/000000010000000000000001"}});
        cases.add(new Object[] {env(), new String[] {"wal-push", "--repo=/backups/main", "--async", "pg_wal/000000010000000000000001"}});
        cases.add(new Object[] {env(), new String[] {"--repo", "/r", "--compression", "lz4", "--compression-level", "3",
                "--encryption-key-file", "/etc/walden/k", "--debug", "wal-push", "--async", "--spool", "/s", "--archiver-idle", "90s",
                "--archiver-jobs", "3", "pg_wal/00000002.history"}});
        cases.add(new Object[] {env("WALDEN_REPO", "/e", "WALDEN_ARCHIVE_ASYNC", "on", "WALDEN_SPOOL", "/sp",
                "WALDEN_ARCHIVER_IDLE", "5m", "WALDEN_COMPRESSION", "none"), new String[] {"wal-push", "pg_wal/000000010000000000000002"}});
        cases.add(new Object[] {env("WALDEN_ARCHIVE_ASYNC", "off"), new String[] {"--repo", "s3://b/p", "--s3-endpoint", "http://x:9000",
                "--s3-path-style=false", "--s3-region", "eu", "--s3-storage-class", "STANDARD_IA", "wal-push", "x/000000010000000000000003"}});
        cases.add(new Object[] {env("WALDEN_CONFIG", config.toString()), new String[] {"wal-push", "pg_wal/000000010000000000000004"}});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> env = (Map<String, String>) c[0];
            String[] args = (String[]) c[1];
            Reading direct = direct(env, args);
            assertThat(direct).as(String.join(" ", args)).isNotNull().isEqualTo(picocli(env, args));
        }
        assertThat(direct(env("WALDEN_CONFIG", config.toString()), "wal-push", "p/000000010000000000000004").request().async()).isTrue();
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        String[][] others = {
                {"wal-push", "--help", "pg_wal/000000010000000000000001"},
                {"wal-push"},
                {"--repo", "/r", "wal-push", "a", "b"},
                {"--repo"},
                {"--s3-path-style", "wal-push", "x"},
                {"--repo", "/r", "--repo", "/q", "wal-push", "x"},
                {"--repo", "/r", "wal-push", "--async=true", "x"},
                {"--archiver-jobs", "2", "--repo", "/r", "wal-push", "x"},
                {"--repo", "/r", "wal-push", "--archiver-jobs", "many", "x"},
                {"--repo", "/r", "wal-push", "--archiver-idle", "90", "x"},
                {"--repo", "/r", "wal-push", "-", "x"},
                {"--repo", "/r", "wal-fetch", "x", "y"},
                {"--repo", "/r", "x", "wal-push", "y"},
                {"--repo", "/r", "--verbose", "wal-push", "x"},
        };
        for (String[] args : others) {
            assertThat(direct(env(), args)).as(String.join(" ", args)).isNull();
        }
        assertThat(direct(env("WALDEN_COMPRESSION_LEVEL", "high"), "--repo", "/r", "wal-push", "x")).isNull();
        assertThat(direct(env("WALDEN_ARCHIVE_ASYNC", "perhaps"), "--repo", "/r", "wal-push", "x")).isNull();
    }
}
