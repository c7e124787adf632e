package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgConnector;
import io.walden.pg.ShellQuote;
import io.walden.codec.Compression;
import io.walden.codec.ObjectCodec;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every command shares: the environment, the output streams and the global options. */
final class Context {
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    String repo;
    boolean debug;
    boolean json;
    String compression;
    Integer compressionLevel;
    Path encryptionKeyFile;
    private ObjectCodec codec;

    Context(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    Map<String, String> env() {
        return env;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean debug() {
        return debug;
    }

    Repository repository() {
        return repository(repo, "--repo");
    }

    Repository repository(String spec, String flag) {
        return new Repository(new LocalStorage(repositoryPath(spec, flag)), codec());
    }

    /** How this run writes objects and which keys it reads them with, from flags and environment. */
    ObjectCodec codec() {
        if (codec == null) {
            Compression c = compression == null || compression.isBlank() ? Compression.ZSTD : Compression.parse(compression);
            codec = new ObjectCodec(c, c.level(compressionLevel), keySource().load(env));
        }
        return codec;
    }

    KeySource keySource() {
        return KeySource.resolve(encryptionKeyFile, env);
    }

    static Path repositoryPath(String spec, String flag) {
        if (spec == null || spec.isBlank()) {
            throw new UsageException("no repository given", "pass " + flag + " PATH, or set WALDEN_REPO");
        }
        if (spec.startsWith("s3://")) {
            throw new UsageException("S3 repositories are not supported by this walden yet: " + spec,
                    "use a local path (a mounted file system works) for now");
        }
        if (spec.startsWith("file://")) {
            try {
                return Path.of(new java.net.URI(spec)).toAbsolutePath().normalize();
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new UsageException("'" + spec + "' is not a valid file:// address", "write it as file:///path/to/repo");
            }
        }
        if (spec.contains("://")) {
            throw new UsageException("unknown repository address '" + spec + "'", "give a local path or file:///path");
        }
        return Path.of(spec).toAbsolutePath().normalize();
    }

    PgConnector connector(String pgUrl, Path pgdata) {
        return new PgConnector(ConnectionSettings.resolve(Optional.ofNullable(pgUrl), env, Optional.ofNullable(pgdata)));
    }

    /**
     * The command PostgreSQL should run to call walden (restore_command, archive_command): the launcher
     * script when walden was started through it, else this JVM with this jar.
     */
    String waldenCommand() {
        String launcher = env.get("WALDEN_LAUNCHER"); // already a shell command prefix
        if (launcher != null && !launcher.isBlank()) {
            return launcher;
        }
        List<String> words = new ArrayList<>();
        words.add(ProcessHandle.current().info().command().orElse("java"));
        words.add("-jar");
        try {
            words.add(Path.of(Walden.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException e) {
            words.add("walden.jar");
        }
        return ShellQuote.join(words);
    }

    /**
     * "walden --repo /path VERB" for archive_command and restore_command: it names the keyset file when
     * one is used (a path, not a secret), since PostgreSQL runs these commands in its own environment.
     */
    String waldenWithRepo(String repoSpec, String verb) {
        return waldenCommand() + " --repo " + ShellQuote.quote(repositoryPath(repoSpec, "--repo").toString())
                + keySource().flagForCommands() + " " + verb;
    }
}
