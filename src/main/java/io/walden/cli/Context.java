package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgConnector;
import io.walden.pg.ShellQuote;
import io.walden.codec.Compression;
import io.walden.codec.ObjectCodec;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import io.walden.storage.Storage;
import io.walden.storage.StorageAddress;
import io.walden.storage.s3.S3Credentials;
import io.walden.storage.s3.S3Settings;
import io.walden.storage.s3.S3Storage;
import io.walden.wal.archive.RepositoryKey;

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
    String s3Endpoint;
    Boolean s3PathStyle;
    String s3Region;
    String s3StorageClass;
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
        return new Repository(storage(StorageAddress.parse(spec, flag)), codec());
    }

    private Storage storage(StorageAddress address) {
        return switch (address) {
            case StorageAddress.Local local -> new LocalStorage(local.path());
            case StorageAddress.S3 s3 -> new S3Storage(s3.location(), s3Settings(), S3Credentials.from(env));
        };
    }

    /** Endpoint, addressing, region and storage class from flags or WALDEN_S3_* (region also from AWS_REGION). */
    S3Settings s3Settings() {
        S3Settings settings = S3Settings.defaults();
        try {
            if (s3Endpoint != null && !s3Endpoint.isBlank()) {
                settings = settings.withEndpoint(java.net.URI.create(s3Endpoint.strip()));
            }
            if (s3PathStyle != null) {
                settings = settings.withPathStyle(s3PathStyle);
            }
            String region = s3Region != null && !s3Region.isBlank() ? s3Region : env.get("AWS_REGION");
            if (region != null && !region.isBlank()) {
                settings = settings.withRegion(region.strip());
            }
            if (s3StorageClass != null) {
                settings = settings.withStorageClass(s3StorageClass);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), "check --s3-endpoint / WALDEN_S3_ENDPOINT and --s3-storage-class / WALDEN_S3_STORAGE_CLASS");
        }
        return settings;
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
        return withRepo(waldenCommand(), repoSpec, verb);
    }

    /**
     * "walden --repo R [S3 and key flags]", to which the next command an operator types is appended: what this run
     * was given to reach the repository; "walden --repo REPO" when no repository was given.
     */
    String forOperator() {
        if (repo == null || repo.isBlank()) {
            return "walden --repo REPO";
        }
        return withRepo("walden", repo, null);
    }

    private String withRepo(String program, String repoSpec, String verb) {
        StorageAddress address = StorageAddress.parse(repoSpec, "--repo");
        StringBuilder b = new StringBuilder(program).append(" --repo ").append(ShellQuote.quote(address.toString()));
        if (address instanceof StorageAddress.S3) {
            // everything but the credentials, which come from the server's environment or role
            S3Settings s3 = s3Settings();
            if (s3.endpoint() != null) {
                b.append(" --s3-endpoint ").append(ShellQuote.quote(s3.endpoint().toString()));
            }
            b.append(" --s3-path-style=").append(s3.pathStyle());
            if (s3.region() != null) {
                b.append(" --s3-region ").append(ShellQuote.quote(s3.region()));
            }
        }
        b.append(keySource().flagForCommands());
        return verb == null ? b.toString() : b.append(' ').append(verb).toString();
    }

    /** The repository as a spool area names it: the spec as given, for S3 with its endpoint. */
    RepositoryKey repositoryKey() {
        StorageAddress.parse(repo, "--repo"); // the same message as every command for a missing or bad --repo
        return RepositoryKey.of(repo, s3Endpoint, workingDirectory());
    }

    /**
     * The options that choose this run's repository and how it writes, for a walden process started from this
     * one (the background archiver), which runs in / and so gets a relative repository path made absolute.
     * Keys and credentials stay in the environment, never on a command line.
     */
    List<String> repositoryArgs() {
        List<String> args = new ArrayList<>();
        args.add("--repo");
        boolean relativePath = !repo.contains("://") && !repo.startsWith("/");
        args.add(relativePath ? RepositoryKey.of(repo, null, workingDirectory()).text() : repo);
        addIfSet(args, "--compression", compression);
        addIfSet(args, "--compression-level", compressionLevel);
        addIfSet(args, "--encryption-key-file", encryptionKeyFile == null ? null : encryptionKeyFile.toAbsolutePath());
        addIfSet(args, "--s3-endpoint", s3Endpoint);
        if (s3PathStyle != null) {
            args.add("--s3-path-style=" + s3PathStyle);
        }
        addIfSet(args, "--s3-region", s3Region);
        addIfSet(args, "--s3-storage-class", s3StorageClass);
        return args;
    }

    private static void addIfSet(List<String> args, String flag, Object value) {
        if (value != null) {
            args.add(flag);
            args.add(value.toString());
        }
    }

    private static Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }

    /** Two specs naming the same repository (after normalising paths). */
    static boolean sameRepository(String a, String b) {
        return StorageAddress.parse(a, "--repo").toString().equals(StorageAddress.parse(b, "--from").toString());
    }
}
