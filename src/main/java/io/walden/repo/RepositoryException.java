package io.walden.repo;

import io.walden.error.WaldenException;

/** The repository cannot be used as asked: missing, foreign, damaged or unreachable. */
public final class RepositoryException extends WaldenException {
    public RepositoryException(String message, String hint) {
        super(message, hint);
    }

    public RepositoryException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
