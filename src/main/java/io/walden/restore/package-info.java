/**
 * Restore: choose the backup for a target from the catalog, check the target before touching PGDATA,
 * move the old PGDATA aside, write and verify the backup's files, write the recovery settings, start
 * PostgreSQL and watch recovery, and roll back on any failure.
 */
package io.walden.restore;
