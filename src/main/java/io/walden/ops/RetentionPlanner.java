package io.walden.ops;

import io.walden.backup.BackupKind;
import io.walden.error.UsageException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a retention policy deletes, as a plain function of the catalog. Rules that keep restores
 * possible: the newest backup is never deleted; a pinned backup is never deleted; WAL is deleted only below
 * the start of the oldest backup that stays (on every timeline: no restore reads WAL from before the backup
 * it starts from); history files stay (they are tiny and every later timeline needs them); a backup an
 * incremental backup that stays builds on stays too, and --retain-full counts full backups, each with
 * the incremental backups built on it.
 */
public final class RetentionPlanner {

    /** What to keep: the newest N backups, the backups that ended at or after a time, and/or a recovery span. */
    public record Policy(Optional<Integer> retainFull, Optional<Instant> before, Optional<Duration> olderThan) {
        public Policy {
            if (retainFull.isEmpty() && before.isEmpty() && olderThan.isEmpty()) {
                throw new UsageException("no retention rule given", "pass --retain-full N, --before TIME or --older-than 30d");
            }
            if (retainFull.isPresent() && retainFull.get() < 1) {
                throw new UsageException("--retain-full must be at least 1", "the newest backup is always kept");
            }
        }
    }

    public record Decision(Manifest backup, boolean delete, String reason) {}

    public record Plan(List<Decision> backups, List<ArchivedWal> walToDelete, long bytesFreed) {
        public List<Manifest> deleted() {
            return backups.stream().filter(Decision::delete).map(Decision::backup).toList();
        }
    }

    private RetentionPlanner() {
    }

    /**
     * @param backups complete backups, oldest first
     * @param pinned  ids of backups pinned with 'walden keep'
     */
    public static Plan plan(List<Manifest> backups, List<ArchivedWal> wal, Set<String> pinned, Policy policy, Instant now) {
        int n = backups.size();
        // the newest backup that ends at or before now - olderThan serves the oldest time to keep
        int spanStart = -1;
        if (policy.olderThan().isPresent()) {
            Instant horizon = now.minus(policy.olderThan().get());
            for (int i = 0; i < n; i++) {
                if (!backups.get(i).stopTime().isAfter(horizon)) {
                    spanStart = i;
                }
            }
        }
        Map<String, Manifest> byId = new HashMap<>();
        backups.forEach(b -> byId.put(b.id(), b));
        List<String> fulls = backups.stream().filter(b -> !b.incremental()).map(Manifest::id).toList();
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Manifest m = backups.get(i);
            String root = BackupKind.fullOf(m, byId).map(Manifest::id).orElse(m.id());
            int fullsFromNewest = fulls.size() - fulls.indexOf(root);
            decisions.add(decide(m, i, n, fullsFromNewest, pinned, policy, spanStart));
        }
        keepWhatKeptBackupsBuildOn(decisions, byId);
        Optional<Manifest> oldestKept = decisions.stream().filter(d -> !d.delete()).map(Decision::backup).findFirst();
        List<ArchivedWal> walGone = new ArrayList<>();
        long bytes = decisions.stream().filter(Decision::delete).mapToLong(d -> d.backup().storedSize()).sum();
        if (oldestKept.isPresent()) {
            Manifest keep = oldestKept.get();
            long floor = SegmentName.parse(keep.startSegment(), keep.walSegmentSize()).segmentNumber();
            for (ArchivedWal w : wal) {
                if (w.file().kind() == WalFileName.Kind.HISTORY) {
                    continue;
                }
                Optional<SegmentName> seg = w.file().segment(keep.walSegmentSize());
                if (seg.isPresent() && seg.get().segmentNumber() < floor) {
                    walGone.add(w);
                    bytes += w.storedSize();
                }
            }
        }
        return new Plan(decisions, walGone, bytes);
    }

    /** An incremental backup that stays needs every backup of its chain. */
    private static void keepWhatKeptBackupsBuildOn(List<Decision> decisions, Map<String, Manifest> byId) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < decisions.size(); i++) {
            index.put(decisions.get(i).backup().id(), i);
        }
        for (int i = decisions.size() - 1; i >= 0; i--) {
            Decision d = decisions.get(i);
            if (d.delete() || !d.backup().incremental()) {
                continue;
            }
            Integer parent = index.get(d.backup().parent());
            if (parent != null && decisions.get(parent).delete()) {
                decisions.set(parent, new Decision(decisions.get(parent).backup(), false,
                        "incremental backup " + d.backup().id() + " builds on it"));
            }
        }
    }

    private static Decision decide(Manifest m, int index, int count, int fullsFromNewest, Set<String> pinned, Policy policy,
                                   int spanStart) {
        if (index == count - 1) {
            return new Decision(m, false, "newest backup");
        }
        if (pinned.contains(m.id())) {
            return new Decision(m, false, "pinned ('walden unkeep " + m.id() + "' releases it)");
        }
        // a backup stays when any rule given keeps it (a Policy always has at least one rule)
        List<String> keepBecause = new ArrayList<>();
        if (policy.retainFull().isPresent() && fullsFromNewest <= policy.retainFull().get()) {
            keepBecause.add(m.incremental() ? "builds on one of the newest " + policy.retainFull().get() + " full backups"
                    : "one of the newest " + policy.retainFull().get() + " full backups");
        }
        if (policy.before().isPresent() && !m.stopTime().isBefore(policy.before().get())) {
            keepBecause.add("ended after the --before time");
        }
        if (policy.olderThan().isPresent() && index >= spanStart) {
            keepBecause.add("needed to restore to any time in the last " + format(policy.olderThan().get()));
        }
        return keepBecause.isEmpty() ? new Decision(m, true, "outside the retention policy")
                : new Decision(m, false, String.join(", ", keepBecause));
    }

    private static String format(Duration d) {
        if (d.toDays() > 0 && d.toHours() % 24 == 0) {
            return d.toDays() + " days";
        }
        if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
            return d.toHours() + " hours";
        }
        return d.toMinutes() + " minutes";
    }
}
