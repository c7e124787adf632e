package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.List;

/**
 * A transaction committed or aborted (xl_xact_commit / xl_xact_abort), directly or as a prepared transaction.
 * recovery_target_time and recovery_target_xid stop at these records, which makes them the events that
 * matter most for point-in-time recovery.
 *
 * @param xid               the transaction that ended: xl_xid, or the prepared transaction's xid for
 *                          COMMIT PREPARED / ROLLBACK PREPARED (whose records carry the xid of the session
 *                          that ran them, usually none)
 * @param time              xact_time: when the transaction ended, to the microsecond
 * @param databaseOid       the database, 0 when the record does not say (it says when the transaction
 *                          changed catalogs or dropped files, and always with wal_level = logical)
 * @param subtransactions   xids of committed or aborted subtransactions (savepoints)
 * @param droppedRelations  relation files deleted when this record is replayed: those of tables dropped or
 *                          truncated by a commit, or created by an aborted transaction
 * @param gid               the prepared transaction's name, "" when none was logged
 */
public record TransactionEnd(Lsn lsn, Lsn end, Kind kind, long xid, Instant time, long databaseOid,
                             long tablespaceOid, List<Long> subtransactions, List<RelFileLocator> droppedRelations,
                             String gid) implements WalEvent {

    public enum Kind {
        COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED;

        public boolean committed() {
            return this == COMMIT || this == COMMIT_PREPARED;
        }
    }

    public TransactionEnd {
        subtransactions = List.copyOf(subtransactions);
        droppedRelations = List.copyOf(droppedRelations);
    }

    public boolean committed() {
        return kind.committed();
    }
}
