/**
 * The archive commands PostgreSQL calls: wal-push (archive_command) and wal-fetch (restore_command), and the
 * asynchronous mode of wal-push: the resident background archiver ({@link io.walden.wal.archive.WalArchiver}),
 * the spool where it records what is durable ({@link io.walden.wal.archive.ArchiveSpool}), and the waiting
 * wal-push ({@link io.walden.wal.archive.AsyncWalPush}). bin/lib/async-push.sh reads the same spool.
 */
package io.walden.wal.archive;
