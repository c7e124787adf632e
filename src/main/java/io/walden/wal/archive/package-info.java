/**
 * The archive commands PostgreSQL calls: wal-push (archive_command) and wal-fetch (restore_command).
 */
package io.walden.wal.archive;
