package io.walden.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings precedence below the command line: the environment (WALDEN_REPO for --repo, WALDEN_JOBS for --jobs,
 * ...), then the config file (WALDEN_CONFIG, default /etc/walden/walden.conf; "repo = /backups/main" lines).
 * Switches accept on/off and yes/no as well as true/false.
 */
final class Settings {
    /** Options whose variable is not WALDEN_ plus the option's name: "--async" alone would not say what is async. */
    private static final Map<String, String> ENV_NAMES = Map.of("async", "WALDEN_ARCHIVE_ASYNC");

    private final Map<String, String> env;
    private final Properties file = new Properties();

    Settings(Map<String, String> env) {
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

    /** The value of option {@code --name} when the command line does not give it, or null; {@code flag}: a switch. */
    String value(String name, boolean flag) {
        String fromEnv = env.get(ENV_NAMES.getOrDefault(name, "WALDEN_" + name.toUpperCase(Locale.ROOT).replace('-', '_')));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return flag ? onOff(fromEnv) : fromEnv;
        }
        if (name.equals("pgdata") && env.get("PGDATA") != null) {
            return env.get("PGDATA");
        }
        String fromFile = file.getProperty(name);
        if (fromFile == null) {
            return null;
        }
        return flag ? onOff(fromFile) : fromFile.strip();
    }

    /** A switch: on/off and yes/no as well as true/false; anything else is returned as is, for picocli to refuse. */
    private static String onOff(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "yes", "1", "true" -> "true";
            case "off", "no", "0", "false" -> "false";
            default -> value;
        };
    }
}
