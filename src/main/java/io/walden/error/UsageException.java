package io.walden.error;

/** The command line itself is wrong: a bad flag value, a missing argument, a conflicting choice. Exit 2. */
public class UsageException extends WaldenException {
    public UsageException(String message, String hint) {
        super(message, hint, 2, null);
    }

    public UsageException(String message) {
        this(message, null);
    }
}
