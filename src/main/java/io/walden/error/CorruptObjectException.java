package io.walden.error;

/** Bytes read back from the repository do not match what was written: never use them. */
public class CorruptObjectException extends WaldenException {
    public CorruptObjectException(String message) {
        super(message, "the repository's copy is damaged: restore from another backup (--backup ID, see 'walden list') and take a new backup");
    }

    public CorruptObjectException(String message, String hint) {
        super(message, hint);
    }
}
