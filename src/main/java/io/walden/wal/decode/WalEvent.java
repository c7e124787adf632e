package io.walden.wal.decode;

import io.walden.wal.Lsn;

/**
 * A record that matters for choosing a recovery target or telling what happened when: transaction ends,
 * restore points, checkpoints, WAL switches, end of recovery, and changes to relation files. Every event says
 * where its record starts ({@link #lsn()}) and ends ({@link #end()}), the two locations recovery targets are
 * expressed in.
 */
public sealed interface WalEvent permits TransactionEnd, RestorePoint, Checkpoint, WalSwitch, EndOfRecovery, RelationEvent {
    Lsn lsn();

    Lsn end();
}
