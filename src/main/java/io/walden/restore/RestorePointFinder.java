package io.walden.restore;

import io.walden.codec.ObjectDecoder;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Repository;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Finds where a named restore point (pg_create_restore_point) lies in the archived WAL. It searches
 * the segments for the name as the restore point record stores it (NUL-terminated) and takes the first
 * match: if the same bytes also occur in table data, the match is at or before the real record, so the
 * backup chosen from it still lies before the restore point.
 */
final class RestorePointFinder {
    private final Repository repository;

    RestorePointFinder(Repository repository) {
        this.repository = repository;
    }

    Optional<Lsn> find(String name, List<ArchivedWal> wal, long segmentSize) throws IOException {
        byte[] needle = (name + "\0").getBytes(StandardCharsets.UTF_8);
        for (ArchivedWal w : wal) {
            if (w.file().kind() != WalFileName.Kind.SEGMENT) {
                continue;
            }
            byte[] content;
            try (ObjectDecoder in = repository.read(w.key())) {
                content = in.readAllBytes();
            }
            int at = indexOf(content, needle);
            if (at >= 0) {
                return Optional.of(SegmentName.parse(w.file().name(), segmentSize).startLsn().plus(at));
            }
        }
        return Optional.empty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
