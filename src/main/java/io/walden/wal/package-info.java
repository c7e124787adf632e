/**
 * WAL facts: locations ({@link io.walden.wal.Lsn}), segment and history file names, timeline history,
 * the segment page header. Pure values, no I/O beyond parsing bytes handed in.
 */
package io.walden.wal;
