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

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String fromEnv = env.get("WALDEN_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        if (name.equals("pgdata") && env.get("PGDATA") != null) {
            return env.get("PGDATA");
        }
        String fromFile = file.getProperty(name);
        return fromFile != null ? fromFile.strip() : null;
    }
}
