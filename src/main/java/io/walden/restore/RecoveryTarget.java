package io.walden.restore;

import io.walden.wal.Lsn;

import java.time.Instant;

/** Where recovery should stop. Each kind maps to one PostgreSQL recovery setting. */
public sealed interface RecoveryTarget {

    /** Replay all archived WAL. */
    record Latest() implements RecoveryTarget {}

    /** Stop at the backup's consistent point. */
    record Immediate() implements RecoveryTarget {}

    record Time(Instant at) implements RecoveryTarget {}

    record AtLsn(Lsn lsn) implements RecoveryTarget {}

    record Xid(long xid) implements RecoveryTarget {}

    record Name(String name) implements RecoveryTarget {}

    /** For messages: "time 2026-02-13 14:30:00 UTC", "LSN 0/3000148", "the latest archived WAL". */
    default String describe() {
        return switch (this) {
            case Latest l -> "the end of the archived WAL";
            case Immediate i -> "the backup's consistent point";
            case Time t -> "time " + Times.format(t.at());
            case AtLsn l -> "LSN " + l.lsn();
            case Xid x -> "transaction " + x.xid();
            case Name n -> "restore point '" + n.name() + "'";
        };
    }
}
