package io.walden.error;

/** Bytes read back from the repository do not match what was written: never use them. */
public class CorruptObjectException extends WaldenException {
    public CorruptObjectException(String message) {
        super(message, "run 'walden verify' and take a new backup; do not use this object");
    }
}
