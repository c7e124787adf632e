package io.walden.error;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** What a failed parallel task threw, rethrown as itself so messages and exit codes stay the task's own. */
public final class TaskFailure {
    private TaskFailure() {
    }

    /**
     * Rethrows a task's unchecked exception or error as it is; returns its IOException (or wraps any other
     * checked one) for the caller to throw.
     */
    public static IOException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return cause instanceof IOException io ? io : new IOException(cause);
    }
}
