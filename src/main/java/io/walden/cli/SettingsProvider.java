package io.walden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings precedence: a flag, then the environment (WALDEN_REPO for --repo, WALDEN_JOBS for --jobs, ...),
 * then the config file (WALDEN_CONFIG, default /etc/walden/walden.conf; "repo = /backups/main" lines).
 */
final class SettingsProvider implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file = new Properties();

    SettingsProvider(Map<String, String> env) {
        this.env = env;
        Path config = Path.of(env.getOrDefault("WALDEN_CONFIG", "/etc/walden/walden.conf"));
        if (Files.isReadable(config)) {
            try (Reader r = Files.newBufferedReader(config)) {
                file.load(r);
            } catch (IOException e) {
                // an unreadable config file is the same as none; flags and environment still apply
            }
        }
    }

    /** Options whose variable is not WALDEN_ plus the option's name: "--async" alone would not say what is async. */
    private static final Map<String, String> ENV_NAMES = Map.of("async", "WALDEN_ARCHIVE_ASYNC");

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String fromEnv = env.get(ENV_NAMES.getOrDefault(name, "WALDEN_" + name.toUpperCase(Locale.ROOT).replace('-', '_')));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return isFlag(option) ? onOff(fromEnv) : fromEnv;
        }
        if (name.equals("pgdata") && env.get("PGDATA") != null) {
            return env.get("PGDATA");
        }
        String fromFile = file.getProperty(name);
        if (fromFile != null && isFlag(option)) {
            return onOff(fromFile.strip());
        }
        return fromFile != null ? fromFile.strip() : null;
    }

    private static boolean isFlag(OptionSpec option) {
        return option.type() == boolean.class || option.type() == Boolean.class;
    }

    /** A switch from the environment: on/off and yes/no as well as true/false; anything else goes to picocli as is. */
    private static String onOff(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "yes", "1", "true" -> "true";
            case "off", "no", "0", "false" -> "false";
            default -> value;
        };
    }
}
