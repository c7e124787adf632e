package io.walden.cli;

import io.walden.error.WaldenException;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Builds the command line and maps every failure to one message and an exit code, in one place:
 * 0 success, 1 failure, 2 bad usage. Stack traces only with --debug.
 */
public final class Walden {
    private Walden() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Context context = new Context(env, out, err);
        CommandLine cl = new CommandLine(new WaldenCommand(context));
        cl.setDefaultValueProvider(new SettingsProvider(env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("walden: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            err.println("HINT: run '" + c.getCommandSpec().qualifiedName() + " --help' for usage");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> report(ex, context));
        return cl.execute(args);
    }

    static int report(Exception ex, Context context) {
        Throwable t = ex;
        if (t instanceof java.io.UncheckedIOException u) {
            t = u.getCause();
        }
        if (t instanceof WaldenException w) {
            context.err().println("walden: " + w.getMessage());
            if (w.hint() != null) {
                context.err().println("HINT: " + w.hint());
            }
            if (context.debug()) {
                w.printStackTrace(context.err());
            }
            return w.exitCode();
        }
        context.err().println("walden: " + t.getClass().getSimpleName() + ": " + t.getMessage());
        if (context.debug()) {
            t.printStackTrace(context.err());
        } else {
            context.err().println("HINT: run again with --debug for details");
        }
        return 1;
    }
}
