package io.walden.repo;

import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;

/** Where each kind of object lives in a repository (format v1). */
public final class ObjectKeys {
    public static final String IDENTITY = "walden.json";
    public static final String BACKUPS = "backups/";
    public static final String WAL = "wal/";
    /** Held by a backup (and later a delete) while it writes; see RepositoryLock. */
    public static final String LOCK = "locks/write.lock";
    /** One object per backup pinned with 'walden keep': retention never deletes it. */
    public static final String PINS = "pins/";

    public static String pin(String backupId) {
        return PINS + backupId;
    }

    private ObjectKeys() {
    }

    public static String manifest(String backupId) {
        return BACKUPS + backupId + "/manifest.json";
    }

    /** The tables of every database when the backup ran; see CatalogSnapshot. */
    public static String catalog(String backupId) {
        return BACKUPS + backupId + "/catalog.json";
    }

    public static String backupData(String backupId, String objectName) {
        return BACKUPS + backupId + "/data/" + objectName;
    }

    /** The block hashes of the file stored in data object {@code objectName}; see BlockMap. */
    public static String backupBlockMap(String backupId, String objectName) {
        return BACKUPS + backupId + "/maps/" + objectName;
    }

    /** Timeline {@code timeline}'s history file, e.g. wal/00000002.history. */
    public static String timelineHistory(int timeline) {
        return wal(WalFileName.parse(TimelineHistory.fileName(timeline)).orElseThrow());
    }

    /** History files sit at the top of wal/; segments in folders named by timeline and log number. */
    public static String wal(WalFileName file) {
        if (file.kind() == WalFileName.Kind.HISTORY) {
            return WAL + file.name();
        }
        return WAL + file.name().substring(0, 16) + "/" + file.name();
    }

    /** The file name from a WAL object key. */
    public static String walFileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
