package io.walden.wal.decode;

import io.walden.error.WaldenException;

/** The first page of the input is not the first page of a WAL segment walden can read. */
public final class NotASegmentException extends WaldenException {
    public NotASegmentException(String message) {
        super(message, "pass a complete WAL segment file of PostgreSQL 13 to 17 (24 hex digits, e.g. 000000010000000000000003)");
    }
}
