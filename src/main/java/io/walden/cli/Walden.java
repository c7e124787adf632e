package io.walden.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Builds the command line; {@link Failures} maps every failure to one message and an exit code.
 */
public final class Walden {
    private Walden() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        java.util.Optional<Integer> pushed = DirectWalPush.run(args, env, out, err);
        if (pushed.isPresent()) {
            return pushed.get();
        }
        Context context = new Context(env, out, err);
        CommandLine cl = Subcommands.commandLine(context, args);
        cl.setDefaultValueProvider(new SettingsProvider(new Settings(env)));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("walden: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            err.println("HINT: run '" + c.getCommandSpec().qualifiedName() + " --help' for usage");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> Failures.report(ex, context));
        return cl.execute(args);
    }
}
