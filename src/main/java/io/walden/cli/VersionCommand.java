package io.walden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParentCommand;

/** walden version. */
@Command(name = "version", description = "Print walden's version.", footer = {"", "Example:", "  walden version"})
final class VersionCommand implements Runnable {
    @ParentCommand
    WaldenCommand parent;

    static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }

    @Override
    public void run() {
        parent.context().out().println("walden " + version());
    }

    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"walden " + version()};
        }
    }
}
