package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.util.List;

/**
 * Something happened to a relation's data: a file was created or truncated, a row deleted, tables truncated.
 * With the dropped files of {@link TransactionEnd}, these tell which transaction emptied or removed a table,
 * the question behind most point-in-time recoveries.
 *
 * @param xid          the transaction, 0 for none (file truncation by VACUUM)
 * @param relation     the relation file for {@link Action#CREATE_FILE}, {@link Action#TRUNCATE_FILE} and
 *                     {@link Action#DELETE_ROW}; null for {@link Action#TRUNCATE_TABLES}
 * @param databaseOid  the database
 * @param relationOids for {@link Action#TRUNCATE_TABLES}: the tables by OID (not file number), as the heap
 *                     truncate record names them; empty otherwise
 */
public record RelationEvent(Lsn lsn, Lsn end, long xid, Action action, RelFileLocator relation, long databaseOid,
                            List<Long> relationOids) implements WalEvent {

    public enum Action {
        /** The main fork of a new relation file (CREATE TABLE, TRUNCATE, VACUUM FULL, index builds). */
        CREATE_FILE,
        /** A relation file was cut short (VACUUM returning empty pages, or replay of a truncation). */
        TRUNCATE_FILE,
        /** A row was deleted (heap delete). */
        DELETE_ROW,
        /** TRUNCATE of tables, logged only with wal_level = logical. */
        TRUNCATE_TABLES
    }

    public RelationEvent {
        relationOids = List.copyOf(relationOids);
    }
}
