package io.walden.repo;

import io.walden.wal.WalFileName;

import java.time.Instant;

/** A WAL file in the repository and when it arrived there. */
public record ArchivedWal(WalFileName file, String key, long storedSize, Instant archived) {}
