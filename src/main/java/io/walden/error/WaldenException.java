package io.walden.error;

/**
 * A failure the operator can understand and act on: one sentence saying what is wrong, an optional hint
 * saying what to do, and the exit code. The CLI prints {@link #getMessage()} and the hint; it never
 * prints a stack trace for these unless asked to debug.
 */
public class WaldenException extends RuntimeException {
    private final String hint;
    private final int exitCode;

    public WaldenException(String message) {
        this(message, null, 1, null);
    }

    public WaldenException(String message, String hint) {
        this(message, hint, 1, null);
    }

    public WaldenException(String message, String hint, Throwable cause) {
        this(message, hint, 1, cause);
    }

    protected WaldenException(String message, String hint, int exitCode, Throwable cause) {
        super(message, cause);
        this.hint = hint;
        this.exitCode = exitCode;
    }

    /** What the operator can do about it, or null. */
    public String hint() {
        return hint;
    }

    public int exitCode() {
        return exitCode;
    }
}
