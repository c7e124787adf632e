package io.walden.wal.decode;

import io.walden.wal.Lsn;

/** pg_switch_wal() or archive_timeout ended the segment early: the rest of it is padding. */
public record WalSwitch(Lsn lsn, Lsn end) implements WalEvent {
}
