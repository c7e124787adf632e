package io.walden.backup;

/** A file of PGDATA to back up, as seen when PGDATA was scanned (it may change or vanish before it is read). */
public record SourceFile(String path, long size, int mode) {}
