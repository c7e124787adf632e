package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.Times;
import io.walden.wal.Lsn;
import picocli.CommandLine.Option;

/** The recovery target flags restore and preview share: at most one of them. */
final class TargetOptions {
    @Option(names = "--target-time", paramLabel = "TIME", description = "Stop at this time; needs a zone: '2026-02-13 14:30:00 UTC'.")
    String time;
    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Stop at this WAL location, e.g. 0/3000148.")
    String lsn;
    @Option(names = "--target-xid", paramLabel = "XID", description = "Stop at this transaction's commit.")
    Long xid;
    @Option(names = "--target-name", paramLabel = "NAME", description = "Stop at this restore point (pg_create_restore_point).")
    String name;
    @Option(names = "--immediate", description = "Stop as soon as the backup is consistent.")
    boolean immediate;

    /** The target given, or Latest when none is; {@code options} may be null when picocli saw none of the flags. */
    static RecoveryTarget parse(TargetOptions options, boolean exclusive) {
        TargetOptions t = options == null ? new TargetOptions() : options;
        if (t.time != null) {
            return new RecoveryTarget.Time(Times.parse(t.time));
        }
        if (t.lsn != null) {
            return new RecoveryTarget.AtLsn(Lsn.parse(t.lsn));
        }
        if (t.xid != null) {
            return new RecoveryTarget.Xid(t.xid);
        }
        if (t.name != null) {
            return new RecoveryTarget.Name(t.name);
        }
        if (t.immediate) {
            return new RecoveryTarget.Immediate();
        }
        if (exclusive) {
            throw new UsageException("--exclusive needs a target", "add --target-time, --target-lsn, --target-xid or --target-name");
        }
        return new RecoveryTarget.Latest();
    }
}
