package io.walden.cli;

import io.walden.error.DiskFull;
import io.walden.error.WaldenException;

/**
 * The one place that turns a failure into one message (and a hint) on stderr and an exit code: 0 success,
 * 1 failure, 2 bad usage. Stack traces only with --debug.
 */
final class Failures {
    private Failures() {
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
        if (DiskFull.causes(t)) {
            String file = DiskFull.file(t);
            context.err().println("walden: no space left on device" + (file == null ? "" : " writing " + file));
            context.err().println("HINT: free space there (df -h shows how much), then run the command again");
            if (context.debug()) {
                t.printStackTrace(context.err());
            }
            return 1;
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
