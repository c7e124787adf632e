package io.walden.cli;

import io.walden.repo.Repository;
import io.walden.restore.RecoveryTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.util.Optional;

/** Where a restore stops: one target flag, --exclusive and --backup (restore, preview, drill, restore-table). */
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

    /** --backup as an id: LATEST is read from {@code repository}; empty when none was given. */
    Optional<String> backupId(Repository repository) {
        return Optional.ofNullable(backup).map(b -> b.equalsIgnoreCase("LATEST") ? repository.backup("LATEST").id() : b);
    }
}
