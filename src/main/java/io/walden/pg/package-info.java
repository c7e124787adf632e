/**
 * Everything walden knows about talking to PostgreSQL itself: a JDBC connection built from the libpq-style
 * settings operators already use ({@code --pg-url}, PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD), facts
 * read from a data directory without a connection ({@code postmaster.pid}, {@code global/pg_control},
 * {@code PG_VERSION}), locating the server binaries of a major version, and controlling a cluster with
 * {@code initdb} and {@code pg_ctl} as the unprivileged OS user the server must run as.
 *
 * <p>Nothing here knows about backups, WAL archiving or the repository; the layers above call in.
 */
package io.walden.pg;
