package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Collection;
import java.util.List;
import io.walden.wal.decode.RestorePoint;
import io.walden.wal.decode.SegmentSummary;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Decides, from the catalog alone, whether a target can be reached and from which backup. Refusing
 * here, before PGDATA is touched, is what spares the operator a restore that PostgreSQL would abort with
 * "recovery ended before configured recovery target was reached".
 */
public final class RestorePlanner {
    private final List<Manifest> backups;
    private final List<ArchivedWal> wal;
    private final IntFunction<TimelineHistory> histories;
    private final String repository;
    private final Summaries summaries;

    /** Decoded segment summaries: one by name (read on demand), or all of them (for names of restore points). */
    public interface Summaries {
        Optional<SegmentSummary> of(String segmentName);

        Collection<SegmentSummary> all();

        static Summaries of(Map<String, SegmentSummary> map) {
            return new Summaries() {
                @Override
                public Optional<SegmentSummary> of(String segmentName) {
                    return Optional.ofNullable(map.get(segmentName));
                }

                @Override
                public Collection<SegmentSummary> all() {
                    return map.values();
                }
            };
        }
    }

    /**
     * @param backups   complete backups, any order
     * @param wal       archived WAL files
     * @param histories the lineage of a timeline
     */
    public RestorePlanner(List<Manifest> backups, List<ArchivedWal> wal, IntFunction<TimelineHistory> histories, String repository) {
        this(backups, wal, Map.of(), histories, repository);
    }

    /**
     * @param summaries decoded segment summaries by file name (from wal-push); where the last reachable
     *                  segment has one, the window ends at the last commit it holds instead of its arrival
     */
    public RestorePlanner(List<Manifest> backups, List<ArchivedWal> wal, Map<String, SegmentSummary> summaries,
                          IntFunction<TimelineHistory> histories, String repository) {
        this(backups, wal, Summaries.of(summaries), histories, repository);
    }

    public RestorePlanner(List<Manifest> backups, List<ArchivedWal> wal, Summaries summaries,
                          IntFunction<TimelineHistory> histories, String repository) {
        this.summaries = summaries;
        this.backups = backups.stream().sorted(Comparator.comparing(Manifest::stopLsn).thenComparing(Manifest::stopTime)).toList();
        this.wal = wal;
        this.histories = histories;
        this.repository = repository;
    }

    /** The newest timeline the repository knows: the default recovery_target_timeline, 'latest'. */
    public int latestTimeline() {
        int tli = backups.stream().mapToInt(Manifest::timeline).max().orElse(1);
        for (ArchivedWal w : wal) {
            tli = Math.max(tli, w.file().timeline());
        }
        return tli;
    }

    /**
     * @param target          where to stop
     * @param timeline        the timeline to recover along, or empty for the latest
     * @param backupId        the backup to use, or empty to choose
     * @param restorePointLsn for a named target, where the restore point was found in the archived WAL
     */
    public RestorePlan plan(RecoveryTarget target, Optional<Integer> timeline, Optional<String> backupId,
                            Optional<Lsn> restorePointLsn) {
        if (backups.isEmpty()) {
            throw new WaldenException("the repository at " + repository + " has no backups", "take one with 'walden backup'");
        }
        int tli = timeline.orElseGet(this::latestTimeline);
        TimelineHistory history = histories.apply(tli);
        List<Manifest> usable = backups.stream().filter(b -> history.contains(b.timeline(), b.stopLsn())).toList();
        if (usable.isEmpty()) {
            throw new WaldenException("no backup in the repository leads to timeline " + tli,
                    "choose another timeline with --target-timeline, or take a new backup");
        }
        Manifest chosen;
        if (backupId.isPresent()) {
            String id = backupId.get();
            chosen = backups.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new WaldenException(
                    "no backup " + id + " in the repository at " + repository, "run 'walden list' to see the backups"));
            if (!usable.contains(chosen)) {
                throw new WaldenException("backup " + id + " (timeline " + chosen.timeline() + ") does not lead to timeline " + tli,
                        "choose a backup on timeline " + tli + "'s history, or pass --target-timeline " + chosen.timeline());
            }
        } else {
            chosen = choose(target, usable, restorePointLsn);
        }
        RecoverableWindow window = window(usable.get(0), chosen, history);
        check(target, chosen, window, restorePointLsn);
        return new RestorePlan(chosen, target, tli, window);
    }

    private Manifest choose(RecoveryTarget target, List<Manifest> usable, Optional<Lsn> restorePointLsn) {
        Manifest newest = usable.get(usable.size() - 1);
        Manifest oldest = usable.get(0);
        return switch (target) {
            case RecoveryTarget.Latest l -> newest;
            case RecoveryTarget.Immediate i -> newest;
            case RecoveryTarget.Time t -> newestWhere(usable, b -> !b.stopTime().isAfter(t.at()), oldest);
            case RecoveryTarget.AtLsn l -> newestWhere(usable, b -> b.stopLsn().compareTo(l.lsn()) <= 0, oldest);
            case RecoveryTarget.Xid x -> newestWhere(usable, b -> b.nextXidAtStop() != null
                    && Integer.compareUnsigned((int) (long) b.nextXidAtStop(), (int) x.xid()) <= 0, oldest);
            case RecoveryTarget.Name n -> newestWhere(usable,
                    b -> restorePointLsn.map(lsn -> b.stopLsn().compareTo(lsn) <= 0).orElse(false), oldest);
        };
    }

    private static Manifest newestWhere(List<Manifest> usable, java.util.function.Predicate<Manifest> ok, Manifest fallback) {
        for (int i = usable.size() - 1; i >= 0; i--) {
            if (ok.test(usable.get(i))) {
                return usable.get(i);
            }
        }
        return fallback;
    }

    /**
     * From the oldest usable backup's end to the last WAL segment reachable without a gap from the chosen
     * backup's start. A segment archived at time T holds no WAL written after T, so its arrival time bounds
     * what a time target can reach.
     */
    RecoverableWindow window(Manifest oldest, Manifest chosen, TimelineHistory history) {
        Map<String, ArchivedWal> byName = new HashMap<>();
        Map<String, ArchivedWal> partials = new HashMap<>();
        for (ArchivedWal w : wal) {
            if (w.file().kind() == WalFileName.Kind.SEGMENT) {
                byName.put(w.file().name(), w);
            } else if (w.file().kind() == WalFileName.Kind.PARTIAL) {
                partials.put(w.file().name().substring(0, 24), w);
            }
        }
        long segSize = chosen.walSegmentSize();
        SegmentName s = SegmentName.parse(chosen.startSegment(), segSize);
        ArchivedWal last = null;
        SegmentName lastSeg = null;
        boolean lastPartial = false;
        while (true) {
            SegmentName expected = s.onTimeline(timelineOf(s, history));
            ArchivedWal found = byName.get(expected.name());
            if (found == null) {
                // the segment the daemon was streaming when the WAL ends: wal-fetch serves its partial object
                ArchivedWal partial = partials.get(expected.name());
                if (partial != null) {
                    last = partial;
                    lastSeg = expected;
                    lastPartial = true;
                }
                break;
            }
            last = found;
            lastSeg = expected;
            s = s.next();
        }
        SegmentName stopSegment = SegmentName.parse(chosen.stopSegment(), segSize);
        if (lastSeg == null || lastSeg.segmentNumber() < stopSegment.segmentNumber()) {
            SegmentName missing = lastSeg == null ? SegmentName.parse(chosen.startSegment(), segSize) : lastSeg.next();
            throw new WaldenException("WAL segment " + missing.onTimeline(timelineOf(missing, history)).name()
                    + " that backup " + chosen.id() + " needs is missing from the repository at " + repository,
                    "this backup cannot be restored; choose another with --backup, and take a new backup");
        }
        Instant to = last.archived().isBefore(chosen.stopTime()) ? chosen.stopTime() : last.archived();
        if (lastPartial) {
            // the partial's stored time bounds what it holds; its summary, if decoded, names its last commit
            Instant partialCommit = summaries.of(lastSeg.name() + ".partial").map(SegmentSummary::lastCommitTime).orElse(null);
            Instant lastCommit = partialCommit != null ? partialCommit : lastCommitFrom(SegmentName.parse(chosen.startSegment(), segSize),
                    lastSeg, history);
            if (lastCommit != null) {
                to = lastCommit.isAfter(chosen.stopTime()) ? lastCommit : chosen.stopTime();
            }
        } else if (summaries.of(lastSeg.name()).isPresent()) {
            // decoded WAL: the last commit is the last moment a time target can reach
            Instant lastCommit = lastCommitFrom(SegmentName.parse(chosen.startSegment(), segSize), lastSeg, history);
            to = lastCommit != null && lastCommit.isAfter(chosen.stopTime()) ? lastCommit : chosen.stopTime();
        }
        return new RecoverableWindow(oldest.stopTime(), to, oldest.stopLsn(), lastSeg.endLsn(), history.timeline());
    }

    /**
     * The last commit in the walked segments, searched from the end: commit times follow WAL order, so the
     * newest segment holding a commit has it, and a restore reads a few headers instead of all of them.
     */
    private Instant lastCommitFrom(SegmentName first, SegmentName last, TimelineHistory history) {
        for (long n = last.segmentNumber(); n >= first.segmentNumber(); n--) {
            SegmentName s = new SegmentName(last.timeline(), n, last.segmentSize());
            Optional<SegmentSummary> summary = summaries.of(s.onTimeline(timelineOf(s, history)).name());
            if (summary.isPresent() && summary.get().lastCommitTime() != null) {
                return summary.get().lastCommitTime();
            }
        }
        return null;
    }

    /** The timeline whose copy of segment s recovery reads: the newest one of the lineage that has begun by its end. */
    private static int timelineOf(SegmentName s, TimelineHistory history) {
        return history.timelineAt(s.endLsn().plus(-1));
    }

    private void check(RecoveryTarget target, Manifest chosen, RecoverableWindow window, Optional<Lsn> restorePointLsn) {
        switch (target) {
            case RecoveryTarget.Time t -> {
                if (t.at().isBefore(window.from()) || t.at().isAfter(window.to())) {
                    throw outside(target, window);
                }
                if (t.at().isBefore(chosen.stopTime())) {
                    throw new WaldenException("backup " + chosen.id() + " ends at " + Times.format(chosen.stopTime())
                            + ", after the target " + Times.format(t.at()),
                            "choose an older backup with --backup, or leave --backup out to let walden choose");
                }
            }
            case RecoveryTarget.AtLsn l -> {
                if (l.lsn().isBefore(window.fromLsn()) || l.lsn().isAfter(window.toLsn())) {
                    throw new WaldenException("the target LSN " + l.lsn() + " is outside the recoverable range "
                            + window.fromLsn() + " to " + window.toLsn() + " (" + window.describe() + ")",
                            "choose an LSN in that range; 'walden list' shows each backup's stop LSN");
                }
                if (l.lsn().isBefore(chosen.stopLsn())) {
                    throw new WaldenException("backup " + chosen.id() + " ends at " + chosen.stopLsn() + ", after the target " + l.lsn(),
                            "choose an older backup with --backup, or leave --backup out to let walden choose");
                }
            }
            case RecoveryTarget.Name n -> {
                if (restorePointLsn.isEmpty()) {
                    List<String> known = summaries.all().stream().flatMap(s -> s.restorePoints().stream())
                            .map(RestorePoint::name).distinct().sorted().toList();
                    throw new WaldenException("no restore point named '" + n.name() + "' in the archived WAL of the repository at "
                            + repository, (known.isEmpty() ? "the archived WAL holds no restore points"
                            : "known restore points: " + String.join(", ", known))
                            + "; SELECT pg_create_restore_point('name') creates one");
                }
                if (restorePointLsn.get().isBefore(chosen.stopLsn())) {
                    throw new WaldenException("restore point '" + n.name() + "' was created before backup " + chosen.id() + " ended",
                            "choose an older backup with --backup, or leave --backup out to let walden choose");
                }
            }
            default -> {
            }
        }
    }

    static WaldenException outside(RecoveryTarget target, RecoverableWindow window) {
        return new WaldenException("the target " + target.describe() + " is outside the recoverable window "
                + window.describe(), "choose a time within it; 'walden list' shows the backups");
    }
}
