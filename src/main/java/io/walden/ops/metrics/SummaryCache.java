package io.walden.ops.metrics;

import io.walden.ops.RecoveryStatus;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Repository;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The segment summaries of a repository, kept between looks. A summary is read from an object's header; an
 * archived segment never changes, so a process that looks every 30 seconds (the daemon) reads each header once,
 * not once per look: on object storage that is one request per segment of a month of WAL, every time. A partial
 * segment is read again whenever its object was replaced (its size or time differs).
 */
public final class SummaryCache implements RecoveryStatus.SummarySource {
    private record Entry(long storedSize, Instant archived, SegmentSummary summary) {}

    private final Repository repository;
    private final Map<String, Entry> entries = new HashMap<>();
    private long reads;

    public SummaryCache(Repository repository) {
        this.repository = repository;
    }

    @Override
    public synchronized Map<String, SegmentSummary> of(List<ArchivedWal> wal) throws IOException {
        Set<String> present = new HashSet<>();
        List<ArchivedWal> unread = new ArrayList<>();
        for (ArchivedWal w : wal) {
            if (w.file().kind() != WalFileName.Kind.SEGMENT && w.file().kind() != WalFileName.Kind.PARTIAL) {
                continue;
            }
            present.add(w.file().name());
            Entry e = entries.get(w.file().name());
            if (e == null || e.storedSize() != w.storedSize() || !Objects.equals(e.archived(), w.archived())) {
                unread.add(w);
            }
        }
        Map<String, SegmentSummary> fresh = repository.walSummaries(unread);
        for (ArchivedWal w : unread) {
            entries.put(w.file().name(), new Entry(w.storedSize(), w.archived(), fresh.get(w.file().name())));
        }
        reads += unread.size();
        entries.keySet().retainAll(present); // retention removed the rest
        Map<String, SegmentSummary> out = new HashMap<>();
        entries.forEach((name, e) -> {
            if (e.summary() != null) {
                out.put(name, e.summary());
            }
        });
        return out;
    }

    /** Headers read so far, for tests and the curious. */
    public synchronized long reads() {
        return reads;
    }
}
