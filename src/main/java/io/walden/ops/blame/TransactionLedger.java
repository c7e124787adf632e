package io.walden.ops.blame;

import io.walden.wal.decode.RelFileLocator;
import io.walden.wal.decode.RelationEvent;
import io.walden.wal.decode.TransactionEnd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects what each open transaction does to relations and, when it commits, says what it destroyed.
 * Subtransactions (savepoints) are kept apart until their top transaction commits: a rolled-back savepoint
 * destroyed nothing.
 *
 * <p>How a commit is read: a table whose file the commit drops was dropped, unless the same transaction
 * made it a new file; then it was truncated when nothing was written into the new file, or rewritten
 * (VACUUM FULL, CLUSTER, ALTER TABLE) when its rows were copied there. Row deletes and updates are counted
 * per table.
 */
final class TransactionLedger {

    /** What one transaction (or subtransaction) has done so far. */
    private static final class Work {
        final Map<RelationFile, long[]> rows = new LinkedHashMap<>(); // inserted, deleted, updated
        final List<RelationFile> created = new ArrayList<>();
        final Set<Long> truncatedTableOids = new LinkedHashSet<>();
        long truncateDatabase;

        long[] rows(RelationFile f) {
            return rows.computeIfAbsent(f, k -> new long[3]);
        }

        void absorb(Work other) {
            other.rows.forEach((f, c) -> {
                long[] mine = rows(f);
                for (int i = 0; i < 3; i++) {
                    mine[i] += c[i];
                }
            });
            created.addAll(other.created);
            truncatedTableOids.addAll(other.truncatedTableOids);
            truncateDatabase = truncateDatabase != 0 ? truncateDatabase : other.truncateDatabase;
        }
    }

    private final RelationTracker tracker;
    private final Map<Long, Work> open = new HashMap<>();
    /** Pages and rows written into files that an open transaction created: a filled one is a rewrite. */
    private final Map<RelationFile, Long> filled = new HashMap<>();

    TransactionLedger(RelationTracker tracker) {
        this.tracker = tracker;
    }

    void relationEvent(RelationEvent e) {
        RelationFile file = e.relation() == null ? null : RelationFile.of(e.relation());
        if (file != null && filled.containsKey(file)
                && (e.action() == RelationEvent.Action.WRITE_PAGES || e.action() == RelationEvent.Action.INSERT_ROWS)) {
            filled.merge(file, (long) e.count(), Long::sum);
        }
        if (e.xid() == 0) {
            return;
        }
        switch (e.action()) {
            case CREATE_FILE -> {
                work(e.xid()).created.add(file);
                filled.put(file, 0L);
            }
            case INSERT_ROWS -> work(e.xid()).rows(file)[0] += e.count();
            case DELETE_ROW -> work(e.xid()).rows(file)[1] += e.count();
            case UPDATE_ROW -> work(e.xid()).rows(file)[2] += e.count();
            case TRUNCATE_TABLES -> {
                Work w = work(e.xid());
                w.truncatedTableOids.addAll(e.relationOids());
                w.truncateDatabase = e.databaseOid();
            }
            default -> { }
        }
    }

    private Work work(long xid) {
        return open.computeIfAbsent(xid, k -> new Work());
    }

    /** Ends a transaction; for a commit that destroyed rows, what it did. */
    Optional<List<Effect>> end(TransactionEnd t) {
        Work all = new Work();
        for (long xid : xidsOf(t)) {
            Work w = open.remove(xid);
            if (w != null) {
                all.absorb(w);
            }
        }
        try {
            return t.committed() ? Optional.of(committed(t, all)).filter(l -> !l.isEmpty()) : Optional.empty();
        } finally {
            all.created.forEach(filled::remove);
        }
    }

    private static List<Long> xidsOf(TransactionEnd t) {
        List<Long> xids = new ArrayList<>(t.subtransactions());
        xids.add(t.xid());
        return xids;
    }

    private List<Effect> committed(TransactionEnd t, Work w) {
        List<Effect> effects = new ArrayList<>();
        // how sure the name was when the table was emptied, before following it to its new file changes that
        Map<TrackedTable, Attribution> truncated = new LinkedHashMap<>();
        for (long oid : w.truncatedTableOids) {
            tracker.table(w.truncateDatabase, oid).ifPresent(table -> truncated.put(table, table.attribution()));
        }
        // rows first: a table's estimate must include this transaction's own inserts before it is dropped
        w.rows.forEach((file, c) -> tracker.rowsOf(file).ifPresent(table -> {
            table.rowsChanged(c[0], c[1]);
            if (c[1] > 0) {
                effects.add(effect(Effect.Kind.DELETE, table, c[1], false));
            }
            if (c[2] > 0) {
                effects.add(effect(Effect.Kind.UPDATE, table, c[2], false));
            }
        }));
        droppedFiles(t, w, truncated, effects);
        truncated.forEach((table, attribution) -> {
            effects.add(new Effect(Effect.Kind.TRUNCATE, table.database(), table.name(), table.tableOid(), table.rows(),
                    true, attribution));
            table.emptied();
        });
        return effects;
    }

    /** Files the commit deletes: dropped tables, or the old files of tables that got new ones. */
    private void droppedFiles(TransactionEnd t, Work w, Map<TrackedTable, Attribution> truncated, List<Effect> effects) {
        List<TrackedTable> heaps = new ArrayList<>();
        List<RelationFile> heapFiles = new ArrayList<>();
        for (RelFileLocator locator : t.droppedRelations()) {
            RelationFile file = RelationFile.of(locator);
            Optional<RelationTracker.Owner> owner = tracker.owner(file);
            if (owner.isPresent() && owner.get().role() == RelationTracker.Role.HEAP) {
                heaps.add(owner.get().table());
                heapFiles.add(file);
            } else if (owner.isEmpty()) {
                tracker.unnamed(file).filter(u -> u.rows() > 0)
                        .ifPresent(u -> effects.add(effect(Effect.Kind.DROP, u, u.rows(), true)));
            }
            tracker.forget(file);
        }
        if (w.created.isEmpty()) {
            heaps.forEach(table -> effects.add(effect(Effect.Kind.DROP, table, table.rows(), true)));
            return;
        }
        if (heaps.size() == 1) {
            // one table got new files: the first file the transaction created is its new heap (PostgreSQL
            // makes the heap before its TOAST table and indexes in TRUNCATE, VACUUM FULL, CLUSTER and ALTER TABLE)
            TrackedTable table = heaps.get(0);
            RelationFile newHeap = w.created.get(0);
            if (filled.getOrDefault(newHeap, 0L) == 0) {
                truncated.putIfAbsent(table, table.attribution());
            }
            tracker.moveHeap(table, heapFiles.get(0), newHeap);
            return;
        }
        // several tables at once (TRUNCATE a, b): which new file is whose is not in WAL; lose track of them
        boolean anyFilled = w.created.stream().anyMatch(f -> filled.getOrDefault(f, 0L) > 0);
        for (TrackedTable table : heaps) {
            if (!anyFilled) {
                truncated.putIfAbsent(table, table.attribution());
            }
        }
    }

    private Effect effect(Effect.Kind kind, TrackedTable table, long rows, boolean estimated) {
        return new Effect(kind, table.database(), table.name(), table.tableOid(), rows, estimated, table.attribution());
    }
}
