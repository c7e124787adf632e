package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.util.List;

/**
 * Something happened to a relation's data: a file was created or truncated, rows inserted, deleted or updated,
 * pages written whole, tables truncated. With the dropped files of {@link TransactionEnd}, these tell which
 * transaction emptied or removed a table, the question behind most point-in-time recoveries.
 *
 * @param xid          the transaction, 0 for none (file truncation by VACUUM)
 * @param relation     the relation file (main fork); null for {@link Action#TRUNCATE_TABLES}
 * @param databaseOid  the database
 * @param relationOids for {@link Action#TRUNCATE_TABLES}: the tables by OID (not file number), as the heap
 *                     truncate record names them; empty otherwise
 * @param count        rows for the row actions (a multi-insert carries many), pages for {@link Action#WRITE_PAGES},
 *                     1 for the others
 */
public record RelationEvent(Lsn lsn, Lsn end, long xid, Action action, RelFileLocator relation, long databaseOid,
                            List<Long> relationOids, int count) implements WalEvent {

    public enum Action {
        /** The main fork of a new relation file (CREATE TABLE, TRUNCATE, VACUUM FULL, index builds). */
        CREATE_FILE,
        /** A relation file was cut short (VACUUM returning empty pages, or replay of a truncation). */
        TRUNCATE_FILE,
        /** Rows were inserted (heap insert and multi-insert). */
        INSERT_ROWS,
        /** A row was deleted (heap delete). */
        DELETE_ROW,
        /** A row was updated (heap update, HOT update, or a row moved out of a partition by an update). */
        UPDATE_ROW,
        /** Whole pages were logged as images: how VACUUM FULL, CLUSTER and index builds fill a new file. */
        WRITE_PAGES,
        /** TRUNCATE of tables, logged only with wal_level = logical. */
        TRUNCATE_TABLES
    }

    public RelationEvent {
        relationOids = List.copyOf(relationOids);
    }
}
