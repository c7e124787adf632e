package io.walden.repo;

import io.walden.codec.Keyring;
import io.walden.codec.ObjectHeader;
import io.walden.storage.ObjectInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a repository holds, counted from its objects: backups, WAL, bytes, and which compressions and keys
 * the objects were written with (from each object's header, so it is what is stored, not what was meant).
 */
public final class RepositoryInventory {
    public record Area(long objects, long bytes) {
        Area plus(long size) {
            return new Area(objects + 1, bytes + size);
        }
    }

    public record Report(String location, RepositoryIdentity identity, int backups, String oldestBackup,
                         String newestBackup, Area backupObjects, Area walObjects, Area otherObjects,
                         String firstWal, String lastWal, Map<String, Long> objectsByCompression,
                         Map<String, Long> objectsByKey) {
        public long totalBytes() {
            return backupObjects.bytes() + walObjects.bytes() + otherObjects.bytes();
        }
    }

    private final Repository repository;

    public RepositoryInventory(Repository repository) {
        this.repository = repository;
    }

    public Report take() throws IOException {
        RepositoryIdentity identity = repository.requireIdentity();
        List<ObjectInfo> objects = repository.storage().list("");
        Area backups = new Area(0, 0);
        Area wal = new Area(0, 0);
        Area other = new Area(0, 0);
        List<String> encoded = new ArrayList<>();
        for (ObjectInfo o : objects) {
            if (o.key().startsWith(ObjectKeys.BACKUPS)) {
                backups = backups.plus(o.size());
                encoded.add(o.key());
            } else if (o.key().startsWith(ObjectKeys.WAL)) {
                wal = wal.plus(o.size());
                encoded.add(o.key());
            } else {
                other = other.plus(o.size());
            }
        }
        List<Manifest> complete = repository.backups();
        List<ArchivedWal> archived = repository.wal();
        Map<String, Long> byCompression = new TreeMap<>();
        Map<String, Long> byKey = new TreeMap<>();
        for (ObjectHeader h : headers(encoded)) {
            byCompression.merge(h.compression().toString(), 1L, Long::sum);
            byKey.merge(h.encrypted() ? Keyring.formatId(h.keyId()) : "none", 1L, Long::sum);
        }
        return new Report(repository.location(), identity, complete.size(),
                complete.isEmpty() ? null : complete.get(0).id(), complete.isEmpty() ? null : complete.get(complete.size() - 1).id(),
                backups, wal, other,
                archived.isEmpty() ? null : archived.get(0).file().name(),
                archived.isEmpty() ? null : archived.get(archived.size() - 1).file().name(),
                byCompression, byKey);
    }

    private List<ObjectHeader> headers(List<String> keys) throws IOException {
        return ParallelReads.map(keys, repository::header);
    }
}
