package io.walden.ops.drill;

import io.walden.repo.CatalogSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * "Schema present": the databases and tables the backup's catalog lists, looked up in the restored instance.
 * A table dropped between the backup and the target is rightly absent, and walden cannot tell that from a
 * loss without reading every transaction in between, so an absent table is a warning that names it, never a
 * failure; tables created after the backup are counted, not compared. What the restore must not lose (a table
 * that can no longer be read) fails the row-count check instead.
 */
public final class SchemaComparison {
    public static final String NAME = "schema present";
    private static final Set<String> TEMPLATES = Set.of("template0", "template1");

    private SchemaComparison() {
    }

    /**
     * @param present the restored instance's tables ("schema.name") by database
     */
    public static CheckResult compare(String backupId, Optional<CatalogSnapshot> catalog, Map<String, Set<String>> present) {
        if (catalog.isEmpty()) {
            return CheckResult.warn(NAME, "backup " + backupId + " has no recorded catalog (taken by an older walden); found "
                    + tables(present) + " tables in " + present.size() + " databases, compared with nothing", List.of());
        }
        List<String> missing = new ArrayList<>();
        int expected = 0;
        int found = 0;
        int created = 0;
        for (CatalogSnapshot.Database db : catalog.get().databases()) {
            if (TEMPLATES.contains(db.name())) {
                continue;
            }
            Set<String> here = present.get(db.name());
            if (here == null) {
                missing.add("database " + db.name() + " (" + db.tables().size() + " tables) is missing");
                expected += db.tables().size();
                continue;
            }
            for (CatalogSnapshot.Table t : db.tables()) {
                expected++;
                if (here.contains(t.qualifiedName())) {
                    found++;
                } else {
                    missing.add(db.name() + ": table " + t.qualifiedName() + " is missing");
                }
            }
            created += (int) here.stream().filter(q -> db.tables().stream().noneMatch(t -> t.qualifiedName().equals(q))).count();
        }
        String summary = found + " of " + expected + " tables of backup " + backupId + "'s catalog present"
                + (created > 0 ? ", " + created + " created after the backup" : "");
        if (missing.isEmpty()) {
            return CheckResult.pass(NAME, summary, List.of());
        }
        List<String> details = new ArrayList<>(missing);
        details.add("dropped between the backup and the target, or lost: check each one against what happened then");
        return CheckResult.warn(NAME, summary + "; " + missing.size() + " missing", details);
    }

    private static int tables(Map<String, Set<String>> present) {
        return present.values().stream().mapToInt(Set::size).sum();
    }
}
