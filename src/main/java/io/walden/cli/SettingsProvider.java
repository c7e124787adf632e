package io.walden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Gives picocli the {@link Settings} of options the command line leaves out. */
final class SettingsProvider implements CommandLine.IDefaultValueProvider {
    private final Settings settings;

    SettingsProvider(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        boolean flag = option.type() == boolean.class || option.type() == Boolean.class;
        return settings.value(option.longestName().substring(2), flag);
    }
}
