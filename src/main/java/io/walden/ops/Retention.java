package io.walden.ops;

import io.walden.error.FaultPoint;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryLock;
import io.walden.storage.ObjectInfo;
import io.walden.storage.PendingObject;
import io.walden.storage.Storage;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Carries out a retention plan, and pins backups. Holds the repository's write lock so no backup runs
 * meanwhile; a backup disappears by its manifest first, so an interrupted delete never leaves something
 * that looks like a complete backup with objects missing.
 */
public final class Retention {
    private final Repository repository;

    public Retention(Repository repository) {
        this.repository = repository;
    }

    public Set<String> pinned() throws IOException {
        Set<String> ids = new HashSet<>();
        for (ObjectInfo o : repository.storage().list(ObjectKeys.PINS)) {
            ids.add(o.key().substring(ObjectKeys.PINS.length()));
        }
        return ids;
    }

    public RetentionPlanner.Plan plan(RetentionPlanner.Policy policy, Instant now) throws IOException {
        repository.requireIdentity();
        return RetentionPlanner.plan(repository.backups(), repository.wal(), pinned(), policy, now);
    }

    /** Plans again under the lock (the catalog may have changed) and deletes; returns what was done. */
    public RetentionPlanner.Plan execute(RetentionPlanner.Policy policy, Instant now, Duration lockWait) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(repository, "delete", lockWait)) {
            RetentionPlanner.Plan plan = plan(policy, now);
            Storage storage = repository.storage();
            // newest first: an incremental backup never outlives the manifest of one it builds on, even when killed here
            for (Manifest m : plan.deleted().reversed()) {
                storage.delete(ObjectKeys.manifest(m.id()));
                FaultPoint.reach("delete.after-manifest");
                for (ObjectInfo o : storage.list(ObjectKeys.BACKUPS + m.id() + "/")) {
                    storage.delete(o.key());
                    FaultPoint.reach("delete.mid-objects");
                }
            }
            for (ArchivedWal w : plan.walToDelete()) {
                storage.delete(w.key());
                FaultPoint.reach("delete.mid-wal");
            }
            return plan;
        }
    }

    /** Backups without a manifest: left by a killed or failed backup (or one running now; see {@link #removeIncomplete}). */
    public java.util.List<String> incomplete() throws IOException {
        repository.requireIdentity();
        return repository.incompleteBackups();
    }

    /**
     * Removes what killed or failed backups left. Under the write lock no backup runs, so a folder without a
     * manifest cannot be one being written; returns the ids removed.
     */
    public java.util.List<String> removeIncomplete(Duration lockWait) throws IOException {
        try (RepositoryLock lock = RepositoryLock.acquire(repository, "delete", lockWait)) {
            java.util.List<String> ids = incomplete();
            for (String id : ids) {
                for (ObjectInfo o : repository.storage().list(ObjectKeys.BACKUPS + id + "/")) {
                    repository.storage().delete(o.key());
                }
            }
            return ids;
        }
    }

    public void pin(String idOrLatest) throws IOException {
        Manifest m = repository.backup(idOrLatest);
        try (PendingObject p = repository.storage().create(ObjectKeys.pin(m.id()))) {
            p.stream().write(Instant.now().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.commit();
        }
    }

    public void unpin(String idOrLatest) throws IOException {
        repository.storage().delete(ObjectKeys.pin(repository.backup(idOrLatest).id()));
    }
}
