package io.walden.ops.blame;

import io.walden.error.TaskFailure;
import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.CatalogSnapshot;
import io.walden.repo.Manifest;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.restore.Times;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.RelationEvent;
import io.walden.wal.decode.SegmentScanner;
import io.walden.wal.decode.TransactionEnd;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * walden blame: reads the archived WAL from a backup on and ranks the committed transactions that
 * destroyed rows, optionally of one table. Memory stays bounded whatever the WAL volume: a few segments
 * in flight, the open transactions, and the {@code limit} worst findings.
 */
public final class Blame {
    private static final int SEGMENTS_AHEAD = 4;

    /**
     * @param table    "schema.name" or "name"; empty: every table
     * @param database the database of {@code table}; needed only when several have such a table
     * @param since    report transactions committed from then on (and read WAL from the newest backup before it)
     * @param limit    how many transactions to report
     * @param minRows  leave out transactions that took fewer rows than this
     */
    public record Request(Optional<String> table, Optional<String> database, Optional<Instant> since, int limit,
                          long minRows) {}

    /** The table asked about, as the backup's catalog names it. */
    public record Subject(String database, String table, long oid) {}

    /**
     * @param to        the end of the last record read
     * @param missing   the first segment of the lineage not archived, where reading stopped; null when none is
     * @param findings  worst first, at most the request's limit
     * @param more      destructive transactions found beyond those reported
     */
    public record Report(String backupId, Instant backupStart, Lsn from, Lsn to, Instant lastCommit, int segments,
                         String missing, Subject subject, List<Finding> findings, long more, List<String> notes) {}

    /** Told how many bytes of WAL are to be read, then each segment's bytes as it is decoded. */
    public interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void started(long totalBytes) {
            }

            @Override
            public void read(long bytes) {
            }
        };

        void started(long totalBytes);

        void read(long bytes);
    }

    private final Repository repository;

    public Blame(Repository repository) {
        this.repository = repository;
    }

    public Report run(Request request, Progress progress) throws IOException {
        List<String> notes = new ArrayList<>();
        Start start = chooseBackup(request, notes);
        List<ArchivedWal> wal = repository.wal();
        WalRange range = WalRange.from(repository, start.backup(), wal);
        RelationTracker tracker = new RelationTracker(start.catalog());
        Optional<TrackedTable> target = start.subject().flatMap(s -> tracker.tables().stream()
                .filter(t -> t.database().equals(s.database()) && t.tableOid() == s.oid()).findFirst());
        Scan scan = new Scan(new TransactionLedger(tracker), request, start.subject());
        progress.started(range.segments().size() * start.backup().walSegmentSize());
        read(range.segments(), scan, progress);
        start.catalog().problems().forEach(p -> notes.add("not in backup " + start.backup().id() + "'s catalog: " + p));
        if (target.isPresent() && target.get().attribution() != Attribution.CERTAIN) {
            notes.add(target.get().name() + " got a new file after the backup; blame followed it");
        }
        List<Finding> worst = new ArrayList<>(scan.worst);
        worst.sort(Finding.WORST_FIRST);
        return new Report(start.backup().id(), start.backup().startTime(), start.backup().startLsn(), scan.end,
                scan.lastCommit, range.segments().size(), range.missing().map(SegmentName::name).orElse(null),
                start.subject().orElse(null), worst, scan.found - worst.size(), notes);
    }

    private record Start(Manifest backup, CatalogSnapshot catalog, Optional<Subject> subject) {}

    /**
     * The newest backup to read WAL from: one that started before {@code since}, and whose catalog has the
     * table (a table dropped before the newest backup is found in an older one).
     */
    private Start chooseBackup(Request request, List<String> notes) throws IOException {
        List<Manifest> backups = new ArrayList<>(repository.backups());
        if (backups.isEmpty()) {
            throw new WaldenException("the repository has no backups: blame reads WAL from a backup on",
                    "take one with 'walden backup'");
        }
        Collections.reverse(backups);
        List<Manifest> candidates = request.since()
                .map(since -> backups.stream().filter(b -> !b.startTime().isAfter(since)).toList()).orElse(backups);
        if (candidates.isEmpty()) {
            Manifest oldest = backups.get(backups.size() - 1);
            notes.add("no backup started before " + Times.format(request.since().get()) + "; WAL is read from the oldest, "
                    + oldest.id() + ", started " + Times.format(oldest.startTime()));
            candidates = List.of(oldest);
        }
        boolean anyCatalog = false;
        List<String> ambiguous = List.of();
        for (Manifest b : candidates) {
            Optional<CatalogSnapshot> catalog = repository.readCatalog(b.id());
            if (catalog.isEmpty()) {
                continue;
            }
            anyCatalog = true;
            if (request.table().isEmpty()) {
                return new Start(b, catalog.get(), Optional.empty());
            }
            List<Subject> matches = matches(catalog.get(), request.table().get(), request.database());
            if (matches.size() == 1) {
                return new Start(b, catalog.get(), Optional.of(matches.get(0)));
            }
            if (matches.size() > 1) {
                ambiguous = matches.stream().map(m -> m.table() + " in database " + m.database()).toList();
                break;
            }
        }
        if (!anyCatalog) {
            throw new WaldenException("no backup" + (request.since().isPresent() ? " before the --since time" : "")
                    + " recorded the tables' names (backups of walden versions before blame do not)",
                    "take a backup with 'walden backup'; blame can read WAL from it on");
        }
        if (!ambiguous.isEmpty()) {
            throw new UsageException("--table " + request.table().get() + " is ambiguous: " + String.join(", ", ambiguous),
                    "name the schema (--table SCHEMA.NAME) and the database (--database DB)");
        }
        throw new WaldenException("no backup" + (request.since().isPresent() ? " before the --since time" : "")
                + " has a table " + request.table().get() + request.database().map(d -> " in database " + d).orElse(""),
                "check the name with psql's \\dt; a table created after the newest backup has no name in WAL: run "
                        + "'walden blame' without --table to see every destructive transaction");
    }

    private static List<Subject> matches(CatalogSnapshot catalog, String table, Optional<String> database) {
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : null;
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        List<Subject> out = new ArrayList<>();
        for (CatalogSnapshot.Database db : catalog.databases()) {
            if (database.isPresent() && !database.get().equals(db.name())) {
                continue;
            }
            for (CatalogSnapshot.Table t : db.tables()) {
                if (t.name().equals(name) && (schema == null || t.schema().equals(schema))) {
                    out.add(new Subject(db.name(), t.qualifiedName(), t.oid()));
                }
            }
        }
        return out;
    }

    /** The state of one pass over the WAL. */
    private static final class Scan {
        final TransactionLedger ledger;
        final Request request;
        final Optional<Subject> subject;
        final PriorityQueue<Finding> worst = new PriorityQueue<>(Finding.WORST_FIRST.reversed());
        long found;
        Lsn end = Lsn.ZERO;
        Instant lastCommit;
        int timeline;

        Scan(TransactionLedger ledger, Request request, Optional<Subject> subject) {
            this.ledger = ledger;
            this.request = request;
            this.subject = subject;
        }

        void event(io.walden.wal.decode.WalEvent event) {
            end = event.end().compareTo(end) > 0 ? event.end() : end;
            switch (event) {
                case RelationEvent r -> ledger.relationEvent(r);
                case TransactionEnd t -> {
                    if (t.committed() && (lastCommit == null || t.time().isAfter(lastCommit))) {
                        lastCommit = t.time();
                    }
                    ledger.end(t).ifPresent(effects -> offer(new Finding(t.xid(), t.time(), t.lsn(), timeline, effects)));
                }
                default -> { }
            }
        }

        private void offer(Finding finding) {
            if (request.since().isPresent() && finding.commitTime().isBefore(request.since().get())) {
                return;
            }
            Finding reported = subject.map(s -> finding.only(s.database(), s.oid())).orElse(finding);
            if (reported.effects().isEmpty() || reported.rows() < request.minRows()) {
                return;
            }
            found++;
            worst.add(reported);
            if (worst.size() > request.limit()) {
                worst.poll();
            }
        }
    }

    /** Decodes the segments in order while the next few are fetched. */
    private void read(List<SegmentName> segments, Scan scan, Progress progress) throws IOException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Deque<Future<byte[]>> ahead = new ArrayDeque<>();
            int next = 0;
            for (SegmentName s : segments) {
                while (next < segments.size() && ahead.size() < SEGMENTS_AHEAD) {
                    SegmentName n = segments.get(next++);
                    ahead.add(pool.submit(() -> fetch(n)));
                }
                byte[] content = await(ahead.removeFirst());
                Future<byte[]> following = ahead.peekFirst();
                scan.timeline = s.timeline();
                SegmentScanner.scan(new ByteArrayInputStream(content), () -> following == null
                        ? Optional.empty() : Optional.<InputStream>of(new ByteArrayInputStream(await(following))), scan::event);
                progress.read(content.length);
            }
        }
    }

    /** The segment's bytes, read into an array of its size (growing one as it fills would copy it several times). */
    private byte[] fetch(SegmentName segment) throws IOException {
        WalFileName file = WalFileName.parse(segment.name()).orElseThrow();
        try (InputStream in = repository.read(ObjectKeys.wal(file))) {
            byte[] content = in.readNBytes((int) segment.segmentSize());
            if (in.read() != -1) {
                throw new IOException("WAL " + segment.name() + " is larger than a segment of " + segment.segmentSize() + " bytes");
            }
            return content;
        }
    }

    private static byte[] await(Future<byte[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        }
    }
}
