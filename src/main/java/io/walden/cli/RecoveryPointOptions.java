package io.walden.cli;

import io.walden.restore.RecoveryTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where a scratch copy of the cluster stops: one target flag, --exclusive and --backup (preview, drill, restore-table). */
final class RecoveryPointOptions {
    @ArgGroup(exclusive = true)
    TargetOptions target = new TargetOptions();

    @Option(names = "--exclusive", description = "Stop just before the target instead of just after it.")
    boolean exclusive;

    @Option(names = "--backup", paramLabel = "ID", description = "The backup to restore, or LATEST (default: the newest that ends before the target).")
    String backup;

    RecoveryTarget recoveryTarget() {
        return TargetOptions.parse(target, exclusive);
    }
}
