package io.walden.ops.blame;

import io.walden.repo.CatalogSnapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which table each relation file belongs to, starting from a backup's catalog and moved along as WAL gives
 * tables new files. Files of a table's TOAST data and indexes are known too, so that their records are not
 * mistaken for tables of their own.
 */
final class RelationTracker {
    enum Role { HEAP, TOAST, INDEX }

    record Owner(TrackedTable table, Role role) {}

    private final Map<RelationFile, Owner> files = new HashMap<>();
    private final Map<Long, Map<Long, TrackedTable>> byOid = new HashMap<>();
    private final Map<Long, String> databaseNames = new HashMap<>();
    private final Map<RelationFile, TrackedTable> unnamed = new HashMap<>();

    RelationTracker(CatalogSnapshot catalog) {
        for (CatalogSnapshot.Database db : catalog.databases()) {
            databaseNames.put(db.oid(), db.name());
            for (CatalogSnapshot.Table t : db.tables()) {
                TrackedTable table = new TrackedTable(db.name(), t.oid(), t.qualifiedName(), t.rows(), t.bytes(),
                        Attribution.CERTAIN);
                byOid.computeIfAbsent(db.oid(), k -> new HashMap<>()).put(t.oid(), table);
                put(db.oid(), t.fileNumber(), table, Role.HEAP);
                put(db.oid(), t.toastFileNumber(), table, Role.TOAST);
                t.indexes().forEach(i -> put(db.oid(), i.fileNumber(), table, Role.INDEX));
            }
        }
    }

    private void put(long databaseOid, long fileNumber, TrackedTable table, Role role) {
        if (fileNumber != 0) {
            files.put(new RelationFile(databaseOid, fileNumber), new Owner(table, role));
        }
    }

    Optional<Owner> owner(RelationFile file) {
        return Optional.ofNullable(files.get(file));
    }

    /**
     * The table whose rows live in {@code file}: a named one, or for a file no catalog names, a stand-in that
     * counts its rows. Empty for TOAST and index files, and for system catalogs (file numbers below 16384, where
     * initdb put them), whose rows change with every DDL statement.
     */
    Optional<TrackedTable> rowsOf(RelationFile file) {
        Owner o = files.get(file);
        if (o != null) {
            return o.role() == Role.HEAP ? Optional.of(o.table()) : Optional.empty();
        }
        if (file.fileNumber() < FIRST_USER_FILE) {
            return Optional.empty();
        }
        return Optional.of(unnamed.computeIfAbsent(file, f -> TrackedTable.unnamed(databaseName(f.databaseOid()), f)));
    }

    /** A file no catalog names that WAL showed rows in, if any. */
    Optional<TrackedTable> unnamed(RelationFile file) {
        return Optional.ofNullable(unnamed.get(file));
    }

    Optional<TrackedTable> table(long databaseOid, long tableOid) {
        return Optional.ofNullable(byOid.getOrDefault(databaseOid, Map.of()).get(tableOid));
    }

    List<TrackedTable> tables() {
        return byOid.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    String databaseName(long oid) {
        return databaseNames.getOrDefault(oid, "database " + oid);
    }

    /** The table's rows now live in {@code newHeap}; its old files are gone. */
    void moveHeap(TrackedTable table, RelationFile oldHeap, RelationFile newHeap) {
        files.remove(oldHeap);
        files.put(newHeap, new Owner(table, Role.HEAP));
        table.followed();
    }

    void forget(RelationFile file) {
        files.remove(file);
        unnamed.remove(file);
    }

    /** PostgreSQL gives user relations OIDs and file numbers from here on (FirstNormalObjectId). */
    static final long FIRST_USER_FILE = 16384;
}
