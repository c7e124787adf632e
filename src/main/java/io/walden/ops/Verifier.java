package io.walden.ops;

import io.walden.codec.Digests;
import io.walden.codec.ObjectDecoder;
import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.restore.Times;
import io.walden.storage.ObjectNotFoundException;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a repository back and says precisely what would stop a restore: every data object of the chosen
 * backups (checksum, decryption with the keys at hand, each file's own checksum, sizes against the
 * manifest), and the archived WAL from each backup's start along its timeline's history up to the newest
 * archived segment (missing segments, missing history files, damaged WAL objects).
 */
public final class Verifier {

    /** What is checked: the backups, and optionally a time range the WAL must cover. */
    public record Scope(Optional<String> backupId, boolean all, Optional<Instant> from, Optional<Instant> to) {}

    public record Problem(String where, String what) {}

    public record BackupResult(String id, int objects, int files, long bytes, List<Problem> problems) {}

    /**
     * {@code incomplete}: backups without a manifest (see {@link Repository#incompleteBackups()}); they do
     * not make the repository unclean, since no restore can use them.
     */
    public record Report(String repository, List<BackupResult> backups, int walSegmentsRead, List<Problem> walProblems,
                         List<String> incomplete) {
        public boolean clean() {
            return walProblems.isEmpty() && backups.stream().allMatch(b -> b.problems().isEmpty());
        }
    }

    private final Repository repository;
    /** History files read once per run, whatever the number of backups that follow a timeline. */
    private final Map<Integer, TimelineHistory> histories = new HashMap<>();

    public Verifier(Repository repository) {
        this.repository = repository;
    }

    public Report run(Scope scope) throws IOException {
        repository.requireIdentity();
        List<Manifest> all = repository.backups();
        if (all.isEmpty()) {
            throw new WaldenException("the repository at " + repository.location() + " has no backups to verify",
                    "take one with 'walden backup'");
        }
        List<Manifest> chosen = choose(all, scope);
        List<BackupResult> results = new ArrayList<>();
        for (Manifest m : withAncestors(chosen, all)) {
            results.add(verifyBackup(m, all));
        }
        List<ArchivedWal> wal = repository.wal();
        Map<String, SegmentSummary> summaries = repository.walSummaries(wal);
        Map<String, ArchivedWal> byName = byName(wal);
        List<Problem> walProblems = new ArrayList<>();
        Set<String> toRead = new TreeSet<>();
        for (Manifest m : chosen) {
            walProblems.addAll(walContinuity(m, wal, byName, summaries, scope.to(), toRead));
        }
        int read = 0;
        for (String name : toRead) {
            ArchivedWal w = byName.get(name);
            try (ObjectDecoder in = repository.read(w.key())) {
                in.verifyToEnd();
                read++;
            } catch (WaldenException e) {
                walProblems.add(new Problem("WAL " + name, e.getMessage()));
            }
        }
        return new Report(repository.location(), results, read, dedupe(walProblems), repository.incompleteBackups());
    }

    private static List<Manifest> choose(List<Manifest> all, Scope scope) {
        if (scope.backupId().isPresent()) {
            String id = scope.backupId().get();
            Manifest m = "LATEST".equalsIgnoreCase(id) ? all.get(all.size() - 1)
                    : all.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new WaldenException(
                    "no backup " + id + " in the repository", "run 'walden list' to see the backups"));
            return List.of(m);
        }
        if (scope.from().isPresent()) {
            // the backup a restore to 'from' would start from, and every later one
            Instant from = scope.from().get();
            List<Manifest> before = all.stream().filter(b -> !b.stopTime().isAfter(from)).toList();
            if (before.isEmpty()) {
                throw new WaldenException("no backup ended before " + Times.format(from) + ", so nothing can be restored to it",
                        "choose a later --from; 'walden list' shows the backups");
            }
            Manifest first = before.get(before.size() - 1);
            return all.stream().filter(b -> !b.stopTime().isBefore(first.stopTime())).toList();
        }
        return scope.all() ? all : List.of(all.get(all.size() - 1));
    }

    /** A restore of an incremental backup reads the objects of every backup its chain builds on. */
    private static List<Manifest> withAncestors(List<Manifest> chosen, List<Manifest> all) {
        Map<String, Manifest> byId = new HashMap<>();
        all.forEach(b -> byId.put(b.id(), b));
        Set<String> ids = new LinkedHashSet<>();
        for (Manifest m : chosen) {
            Manifest b = m;
            while (b != null && ids.add(b.id())) {
                b = b.incremental() ? byId.get(b.parent()) : null;
            }
        }
        return all.stream().filter(b -> ids.contains(b.id())).toList();
    }

    private BackupResult verifyBackup(Manifest m, List<Manifest> all) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<FileEntry>> byObject = new HashMap<>();
        Set<String> present = new HashSet<>();
        all.forEach(b -> present.add(b.id()));
        Set<String> needed = new TreeSet<>();
        for (FileEntry f : m.files()) {
            if (f.object() != null && f.backup() == null) {
                byObject.computeIfAbsent(f.object(), o -> new ArrayList<>()).add(f);
            } else if (f.backup() != null) {
                needed.add(f.backup());
            }
            if (f.base() != null) {
                needed.add(f.base());
            }
        }
        for (String id : needed) {
            if (!present.contains(id)) {
                problems.add(new Problem("backup " + m.id(), "is incremental and needs backup " + id + ", which is missing"));
            }
        }
        int files = 0;
        long bytes = 0;
        for (Manifest.DataObject o : m.objects()) {
            String key = ObjectKeys.backupData(m.id(), o.name());
            String where = "backup " + m.id() + " object " + o.name();
            List<FileEntry> inside = byObject.getOrDefault(o.name(), List.of());
            inside.sort(Comparator.comparingLong(FileEntry::offset));
            try (ObjectDecoder in = repository.read(key)) {
                long position = 0;
                for (FileEntry f : inside) {
                    if (f.offset() < position) {
                        problems.add(new Problem(where, "file " + f.path() + " overlaps the file before it in the manifest"));
                        continue;
                    }
                    in.skipNBytes(f.offset() - position);
                    String sha = sha(in, f.storedLength());
                    position = f.offset() + f.storedLength();
                    if (sha == null) {
                        problems.add(new Problem(where, "ends before file " + f.path() + " does (the manifest says "
                                + f.storedLength() + " bytes at offset " + f.offset() + ")"));
                        break;
                    }
                    // the changed blocks of an incremental file have no checksum of their own: the object's covers them
                    if (!f.isDelta() && f.sha256() != null && !sha.equals(f.sha256())) {
                        problems.add(new Problem(where, "file " + f.path() + " fails its checksum"));
                    }
                    files++;
                    bytes += f.size();
                }
                long plain = in.verifyToEnd().plainLength();
                if (plain != o.plainSize()) {
                    problems.add(new Problem(where, "holds " + plain + " bytes, the manifest says " + o.plainSize()));
                }
            } catch (ObjectNotFoundException e) {
                problems.add(new Problem(where, "is missing; it holds " + describe(inside)));
            } catch (WaldenException e) {
                problems.add(new Problem(where, e.getMessage() + (inside.isEmpty() ? "" : "; it holds " + describe(inside))));
            }
        }
        return new BackupResult(m.id(), m.objects().size(), files, bytes, problems);
    }

    /** Checks the WAL a restore from {@code m} reads, and collects the segments to read back. */
    private List<Problem> walContinuity(Manifest m, List<ArchivedWal> wal, Map<String, ArchivedWal> byName,
                                        Map<String, SegmentSummary> summaries, Optional<Instant> until, Set<String> toRead)
            throws IOException {
        List<Problem> problems = new ArrayList<>();
        int newest = wal.stream().filter(w -> w.file().kind() == WalFileName.Kind.SEGMENT)
                .mapToInt(w -> w.file().timeline()).max().orElse(m.timeline());
        TimelineHistory history = lineageFor(m, newest, byName, problems);
        long segSize = m.walSegmentSize();
        long lastArchived = wal.stream().filter(w -> w.file().kind() == WalFileName.Kind.SEGMENT)
                .filter(w -> history.contains(w.file().timeline(), SegmentName.parse(w.file().name(), segSize).startLsn()))
                .mapToLong(w -> SegmentName.parse(w.file().name(), segSize).segmentNumber()).max().orElse(-1);
        SegmentName stop = SegmentName.parse(m.stopSegment(), segSize);
        Instant lastCommit = m.stopTime();
        for (SegmentName s = SegmentName.parse(m.startSegment(), segSize); s.segmentNumber() <= Math.max(lastArchived, stop.segmentNumber());
             s = s.next()) {
            SegmentName expected = s.onTimeline(history.timelineAt(s.endLsn().plus(-1)));
            if (!byName.containsKey(expected.name())) {
                boolean needed = s.segmentNumber() <= stop.segmentNumber();
                problems.add(new Problem("WAL " + expected.name(), needed
                        ? "is missing: backup " + m.id() + " cannot be restored without it"
                        : "is missing: restores from backup " + m.id() + " stop at " + Times.format(lastCommit)
                        + " (the last commit before the gap); later times need a newer backup"));
                break;
            }
            toRead.add(expected.name());
            SegmentSummary summary = summaries.get(expected.name());
            if (summary != null && summary.lastCommitTime() != null) {
                lastCommit = summary.lastCommitTime().isAfter(lastCommit) ? summary.lastCommitTime() : lastCommit;
                if (until.isPresent() && !summary.lastCommitTime().isBefore(until.get())) {
                    break; // the range ends here
                }
            }
        }
        return problems;
    }

    /** The lineage of the newest timeline if this backup is on it, else of the backup's own timeline. */
    private TimelineHistory lineageFor(Manifest m, int newest, Map<String, ArchivedWal> byName, List<Problem> problems)
            throws IOException {
        for (int tli = newest; tli > m.timeline(); tli--) {
            String name = TimelineHistory.fileName(tli);
            if (!byName.containsKey(name)) {
                problems.add(new Problem("WAL " + name, "is missing: restores cannot follow timeline " + tli
                        + " (its segments are archived, its history is not)"));
                continue;
            }
            TimelineHistory h = history(tli);
            if (h.contains(m.timeline(), m.stopLsn())) {
                return h;
            }
        }
        return TimelineHistory.root(m.timeline());
    }

    private TimelineHistory history(int tli) throws IOException {
        TimelineHistory h = histories.get(tli);
        if (h == null) {
            h = repository.history(tli);
            histories.put(tli, h);
        }
        return h;
    }

    private static Map<String, ArchivedWal> byName(List<ArchivedWal> wal) {
        Map<String, ArchivedWal> map = new HashMap<>();
        wal.forEach(w -> map.put(w.file().name(), w));
        return map;
    }

    private static String sha(ObjectDecoder in, long size) throws IOException {
        MessageDigest digest = Digests.sha256();
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return null;
            }
            digest.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String describe(List<FileEntry> files) {
        if (files.isEmpty()) {
            return "no files";
        }
        String first = files.get(0).path();
        return files.size() == 1 ? first : first + " and " + (files.size() - 1) + " more files";
    }

    private static List<Problem> dedupe(List<Problem> problems) {
        return new ArrayList<>(new LinkedHashSet<>(problems));
    }
}
