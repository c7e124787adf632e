package io.walden.repo;

import io.walden.error.CorruptObjectException;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decoded summaries wal-push stored in the headers of archived segments, read when asked for and kept:
 * a restore needs the few at the end of its window, not one header per segment of a month of WAL.
 */
public final class WalSummaries {
    private final Repository repository;
    private final Map<String, ArchivedWal> segments = new HashMap<>();
    private final Map<String, Optional<SegmentSummary>> read = new ConcurrentHashMap<>();

    public WalSummaries(Repository repository, List<ArchivedWal> wal) {
        this.repository = repository;
        for (ArchivedWal w : wal) {
            if (w.file().kind() == WalFileName.Kind.SEGMENT || w.file().kind() == WalFileName.Kind.PARTIAL) {
                segments.put(w.file().name(), w);
            }
        }
    }

    /** The summary of one archived segment; empty when it is not archived or was archived without one. */
    public Optional<SegmentSummary> of(String name) {
        ArchivedWal w = segments.get(name);
        if (w == null) {
            return Optional.empty();
        }
        return read.computeIfAbsent(name, n -> {
            try {
                return readSummary(w);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Every summary, by file name; what was not read yet is read in parallel. */
    public Map<String, SegmentSummary> all() throws IOException {
        List<ArchivedWal> missing = segments.values().stream().filter(w -> !read.containsKey(w.file().name())).toList();
        List<Optional<SegmentSummary>> fresh = ParallelReads.map(missing, this::readSummary);
        for (int i = 0; i < missing.size(); i++) {
            read.put(missing.get(i).file().name(), fresh.get(i));
        }
        Map<String, SegmentSummary> out = new HashMap<>();
        read.forEach((name, summary) -> summary.ifPresent(s -> out.put(name, s)));
        return out;
    }

    /** The header names the file wal-push stored: under another file's key it was moved or forged. */
    private Optional<SegmentSummary> readSummary(ArchivedWal w) throws IOException {
        Optional<WalMetadata> metadata = WalMetadata.parse(repository.headerWithMetadata(w.key(), w.storedSize()).metadata());
        if (metadata.isPresent() && metadata.get().name() != null && !metadata.get().name().equals(w.file().name())) {
            throw new CorruptObjectException(w.key() + " holds WAL " + metadata.get().name() + ", not " + w.file().name()
                    + ": the object was moved or forged",
                    "move it out of the repository, then run 'walden verify --all' to see what a restore can still reach");
        }
        return metadata.map(WalMetadata::summary);
    }
}
