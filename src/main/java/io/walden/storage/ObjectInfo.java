package io.walden.storage;

import java.time.Instant;

/** A stored object: its key, stored size and last-modified time. */
public record ObjectInfo(String key, long size, Instant modified) {}
