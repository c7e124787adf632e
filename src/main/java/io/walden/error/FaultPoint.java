package io.walden.error;

/**
 * Test-only fault injection: when the environment variable {@code WALDEN_FAULT} names a phase, the process
 * stops dead the moment it reaches that phase, as if the host had lost power or the process had been sent
 * SIGKILL: {@link Runtime#halt} runs no shutdown hook and no finally block, so what is on disk is exactly
 * what a kill at that point leaves. The crash tests use it to prove every command can be killed anywhere
 * and the next command finds a safe state. It is not a user setting and is not documented in the help.
 *
 * <p>Unset, a phase costs one read of a static final field.
 */
public final class FaultPoint {
    /** The status a halted process exits with: what a shell reports for a process killed by SIGKILL. */
    public static final int HALT_STATUS = 137;
    /** The line written to stderr just before the halt, followed by the phase, so a test knows where it died. */
    public static final String MESSAGE = "walden: fault injected at ";

    private static final String ARMED = System.getenv("WALDEN_FAULT");

    private FaultPoint() {
    }

    /** Halts the process when {@code phase} is the armed one; does nothing otherwise. */
    public static void reach(String phase) {
        if (ARMED != null && ARMED.equals(phase)) {
            System.err.println(MESSAGE + phase);
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
