package io.walden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The commands under {@code walden}, and the command line built from them. Picocli reads every option of every
 * command it is given by reflection, which cost a fresh JVM more CPU time than a small restore's own work: a
 * command line that names its command gets that command alone; help, a typo or no command at all gets them all,
 * so the usage list and picocli's suggestions stay complete.
 */
final class Subcommands {
    static final List<Class<?>> ALL = List.of(BackupCommand.class, ListCommand.class, WalPushCommand.class,
            WalFetchCommand.class, WalArchiverCommand.class, RestoreCommand.class, RestoreTableCommand.class,
            PreviewCommand.class, DrillCommand.class, ReportCommand.class, StatusCommand.class, MetricsCommand.class,
            BlameCommand.class, VerifyCommand.class, CheckCommand.class, DeleteCommand.class, KeepCommand.Keep.class,
            KeepCommand.Unkeep.class, KeyCommand.class, RepoCommand.class, VersionCommand.class, DemoCommand.class,
            DaemonCommand.class);

    private Subcommands() {
    }

    /** The command line for {@code args}: with the one command they name, or with all of them. */
    static CommandLine commandLine(Context context, String[] args) {
        CommandLine cl = new CommandLine(new WaldenCommand(context));
        Optional<Class<?>> named = named(args);
        for (Class<?> command : named.map(List::<Class<?>>of).orElse(ALL)) {
            cl.addSubcommand(new CommandLine(command));
        }
        return cl;
    }

    /** The command the first argument that is neither a global option nor its value names; empty if none does. */
    static Optional<Class<?>> named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-")) {
                if (takesNextArgument(arg, i + 1 < args.length ? args[i + 1] : null)) {
                    i++;
                }
                continue;
            }
            for (Class<?> command : ALL) {
                if (command.getAnnotation(Command.class).name().equals(arg)) {
                    return Optional.of(command);
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether global option {@code arg}, written without "=", has {@code next} as its value. */
    private static boolean takesNextArgument(String arg, String next) {
        if (!arg.startsWith("--") || arg.contains("=") || next == null) {
            return false;
        }
        String name = arg.substring(2);
        if (name.equals(PATH_STYLE)) { // its value is optional: only a boolean after it is one
            return Set.of("true", "false").contains(next.toLowerCase(Locale.ROOT));
        }
        return DirectWalPush.GLOBAL_VALUES.contains(name);
    }

    private static final String PATH_STYLE = "s3-path-style";
}
