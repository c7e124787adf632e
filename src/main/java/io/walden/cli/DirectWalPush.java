package io.walden.cli;

import io.walden.ops.HealthCheck;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * wal-push without picocli. PostgreSQL runs it once per WAL file in a fresh JVM, where building picocli's model of
 * every command cost more than the push. This takes exactly the command lines archive_command has (global options,
 * wal-push, its options, the path, each option once, values that convert) with the same precedence of flag,
 * environment and config file; anything else, help and every mistake included, goes to picocli, so its messages
 * stay the only ones.
 */
final class DirectWalPush {
    static final Set<String> GLOBAL_VALUES = Set.of("repo", "compression", "compression-level", "encryption-key-file",
            "s3-endpoint", "s3-path-style", "s3-region", "s3-storage-class");
    private static final Set<String> PUSH_VALUES = Set.of("spool", "archiver-idle", "archiver-jobs");
    private static final Set<String> SWITCHES = Set.of("debug", "json", "async");

    private final Map<String, String> given;
    private final Path path;

    private DirectWalPush(Map<String, String> given, Path path) {
        this.given = given;
        this.path = path;
    }

    /** Runs wal-push when the command line is one this class takes; empty when picocli must run it. */
    static Optional<Integer> run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Optional<DirectWalPush> parsed = parse(args);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Context ctx = new Context(env, out, err);
        Optional<WalPushCommand.Request> request = parsed.get().resolve(new Settings(env), ctx);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        try {
            request.get().run(ctx);
            return Optional.of(0);
        } catch (Exception e) {
            return Optional.of(Failures.report(e, ctx));
        }
    }

    static Optional<DirectWalPush> parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        boolean verb = false;
        Path path = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("wal-push") && !verb) {
                verb = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                if (!verb || path != null || arg.startsWith("-")) {
                    return Optional.empty();
                }
                path = Path.of(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            String value;
            if (SWITCHES.contains(name) && eq < 0) {
                value = "true";
            } else if (GLOBAL_VALUES.contains(name) || PUSH_VALUES.contains(name) && verb) {
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (name.equals("s3-path-style") || i + 1 == args.length) {
                    return Optional.empty(); // its value is optional, which only picocli decides
                } else {
                    value = args[++i];
                }
            } else {
                return Optional.empty();
            }
            if (given.put(name, value) != null) {
                return Optional.empty();
            }
        }
        return verb && path != null ? Optional.of(new DirectWalPush(given, path)) : Optional.empty();
    }

    /** Sets the global options on {@code ctx} and returns the push; empty when a value does not convert. */
    Optional<WalPushCommand.Request> resolve(Settings settings, Context ctx) {
        try {
            ctx.repo = value(settings, "repo");
            ctx.compression = value(settings, "compression");
            ctx.compressionLevel = integer(value(settings, "compression-level"));
            String keyFile = value(settings, "encryption-key-file");
            ctx.encryptionKeyFile = keyFile == null ? null : Path.of(keyFile);
            ctx.s3Endpoint = value(settings, "s3-endpoint");
            ctx.s3PathStyle = bool(value(settings, "s3-path-style"));
            ctx.s3Region = value(settings, "s3-region");
            ctx.s3StorageClass = value(settings, "s3-storage-class");
            ctx.debug = Boolean.TRUE.equals(bool(flag(settings, "debug")));
            ctx.json = Boolean.TRUE.equals(bool(flag(settings, "json")));
            String spool = value(settings, "spool");
            String idle = value(settings, "archiver-idle");
            return Optional.of(new WalPushCommand.Request(path, Boolean.TRUE.equals(bool(flag(settings, "async"))),
                    spool == null ? null : Path.of(spool), idle == null ? null : HealthCheck.Thresholds.parseAge(idle),
                    integer(value(settings, "archiver-jobs"))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String value(Settings settings, String name) {
        return given.containsKey(name) ? given.get(name) : settings.value(name, false);
    }

    private String flag(Settings settings, String name) {
        return given.containsKey(name) ? given.get(name) : settings.value(name, true);
    }

    private static Integer integer(String value) {
        return value == null ? null : Integer.valueOf(value.strip());
    }

    private static Boolean bool(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

}
