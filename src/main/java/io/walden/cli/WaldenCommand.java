package io.walden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: global options; {@link Subcommands} adds the commands under it. */
@Command(name = "walden", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionCommand.Provider.class,
        description = "PostgreSQL backup and point-in-time recovery.",
        footer = {"", "Examples:", "  walden --repo /backups/main backup",
                "  walden --repo /backups/main restore --pgdata /var/lib/postgresql/15/main --target-time '2026-02-13 14:30:00 UTC'"})
final class WaldenCommand implements Runnable {
    private final Context context;

    WaldenCommand(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    @Option(names = "--repo", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "The repository (env WALDEN_REPO): a local path, file:///path or s3://bucket/prefix.")
    void repo(String repo) {
        context.repo = repo;
    }

    @Option(names = "--compression", scope = ScopeType.INHERIT, paramLabel = "zstd|lz4|none",
            description = "How new objects are compressed (env WALDEN_COMPRESSION; default zstd). Objects record it: a repository can mix them.")
    void compression(String compression) {
        context.compression = compression;
    }

    @Option(names = "--compression-level", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "Compression level (env WALDEN_COMPRESSION_LEVEL; default 1; zstd -7..22, lz4 1..17).")
    void compressionLevel(Integer level) {
        context.compressionLevel = level;
    }

    @Option(names = "--encryption-key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Keyset that encrypts new objects and decrypts old ones (env WALDEN_ENCRYPTION_KEY_FILE;"
                    + " or the keyset itself in env WALDEN_ENCRYPTION_KEY). Create one with 'walden key generate FILE'.")
    void encryptionKeyFile(java.nio.file.Path file) {
        context.encryptionKeyFile = file;
    }

    @Option(names = "--s3-endpoint", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "An S3-compatible server, e.g. http://127.0.0.1:9000 (env WALDEN_S3_ENDPOINT); default: AWS.")
    void s3Endpoint(String endpoint) {
        context.s3Endpoint = endpoint;
    }

    @Option(names = "--s3-path-style", scope = ScopeType.INHERIT, paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Path-style addressing (env WALDEN_S3_PATH_STYLE); on by default with --s3-endpoint.")
    void s3PathStyle(Boolean pathStyle) {
        context.s3PathStyle = pathStyle;
    }

    @Option(names = "--s3-region", scope = ScopeType.INHERIT, paramLabel = "REGION",
            description = "The bucket's region (env WALDEN_S3_REGION or AWS_REGION).")
    void s3Region(String region) {
        context.s3Region = region;
    }

    @Option(names = "--s3-storage-class", scope = ScopeType.INHERIT, paramLabel = "CLASS",
            description = "Storage class of new objects, e.g. STANDARD_IA (env WALDEN_S3_STORAGE_CLASS).")
    void s3StorageClass(String storageClass) {
        context.s3StorageClass = storageClass;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    void debug(boolean debug) {
        context.debug = debug;
    }

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable output.")
    void json(boolean json) {
        context.json = json;
    }

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(context.out());
    }
}
