package io.walden.ops.drill;

import io.walden.pg.PgConnector;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in checks that read the restored data: row counts, foreign keys and unique constraints, in every
 * database that takes connections. They read the heap, never trusting an index to vouch for itself.
 */
final class DataChecks {
    static final String ROW_COUNTS = "row counts";
    static final String FOREIGN_KEYS = "foreign keys valid";
    static final String UNIQUE = "unique constraints hold";

    private static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";
    private static final String TABLES = "SELECT n.nspname, c.relname, c.oid::regclass::text, c.relkind::text FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm')"
            + " AND (c.relkind <> 'm' OR c.relispopulated) AND " + USER_SCHEMAS + " ORDER BY 1, 2";
    private static final String FKS = "SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text, con.convalidated,"
            + " (SELECT array_agg(quote_ident(a.attname) ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(att, i)"
            + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.att),"
            + " (SELECT array_agg(quote_ident(a.attname) ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(att, i)"
            + "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.att)"
            + " FROM pg_constraint con WHERE con.contype = 'f' AND con.conparentid = 0 ORDER BY 2, 1";
    // expression indexes are left out: their keys are not columns to group by
    private static final String UNIQUES = "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, i.indisvalid,"
            + " array_agg(quote_ident(a.attname) ORDER BY k.i), pg_get_expr(i.indpred, i.indrelid)"
            + " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(att, i)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att"
            + " WHERE i.indisunique AND i.indexprs IS NULL AND k.i <= i.indnkeyatts AND " + USER_SCHEMAS
            + " GROUP BY i.indexrelid, i.indrelid, i.indisvalid, i.indpred ORDER BY 2, 1";

    private final PgConnector connector;

    DataChecks(PgConnector connector) {
        this.connector = connector;
    }

    /** The databases to check: all that take connections but the templates. */
    List<String> databases() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    /** What the drill found in every database, checked together so each database is connected to once. */
    record Found(Map<String, Set<String>> tables, CheckResult rowCounts, CheckResult foreignKeys, CheckResult unique) {}

    Found run(List<String> databases) {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        List<String> counts = new ArrayList<>();
        List<String> countErrors = new ArrayList<>();
        List<String> fkLines = new ArrayList<>();
        List<String> fkFailures = new ArrayList<>();
        List<String> fkWarnings = new ArrayList<>();
        List<String> uniqueLines = new ArrayList<>();
        List<String> uniqueFailures = new ArrayList<>();
        int fks = 0;
        int uniques = 0;
        long rows = 0;
        int tableCount = 0;
        for (String db : databases) {
            try (Connection c = connector.forDatabase(db).open(); Statement s = c.createStatement()) {
                s.execute("SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off");
                Set<String> here = new LinkedHashSet<>();
                List<String[]> relations = new ArrayList<>();
                try (ResultSet r = s.executeQuery(TABLES)) {
                    while (r.next()) {
                        here.add(r.getString(1) + "." + r.getString(2));
                        relations.add(new String[] {r.getString(1) + "." + r.getString(2), r.getString(3), r.getString(4)});
                    }
                }
                tables.put(db, here);
                for (String[] t : relations) {
                    tableCount++;
                    try {
                        long n = count(s, "SELECT count(*) FROM " + t[1]);
                        if (!t[2].equals("p")) { // a partitioned table's rows are its partitions'
                            rows += n;
                        }
                        counts.add(db + ": " + t[0] + " " + n + " rows");
                    } catch (SQLException e) {
                        countErrors.add(db + ": " + t[0] + " cannot be read: " + firstLine(e));
                    }
                }
                for (ForeignKey fk : foreignKeys(s)) {
                    fks++;
                    try {
                        long orphans = count(s, fk.orphanQuery());
                        String line = db + ": " + fk.describe() + ": " + orphans + " orphan rows";
                        fkLines.add(line);
                        if (orphans > 0) {
                            (fk.validated() ? fkFailures : fkWarnings).add(line + (fk.validated() ? "" : " (NOT VALID constraint)"));
                        }
                    } catch (SQLException e) {
                        fkFailures.add(db + ": " + fk.describe() + " cannot be checked: " + firstLine(e));
                    }
                }
                for (UniqueKey u : uniqueKeys(s)) {
                    if (!u.valid()) {
                        uniqueLines.add(db + ": " + u.describe() + ": skipped, the index is not valid (an interrupted CREATE INDEX)");
                        continue;
                    }
                    uniques++;
                    try {
                        long dups = count(s, u.duplicateQuery());
                        String line = db + ": " + u.describe() + ": " + dups + " duplicated keys";
                        uniqueLines.add(line);
                        if (dups > 0) {
                            uniqueFailures.add(line);
                        }
                    } catch (SQLException e) {
                        uniqueFailures.add(db + ": " + u.describe() + " cannot be checked: " + firstLine(e));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                countErrors.add(db + ": cannot be read: " + firstLine(e));
                fkFailures.add(db + ": cannot be checked: " + firstLine(e));
                uniqueFailures.add(db + ": cannot be checked: " + firstLine(e));
            }
        }
        CheckResult rowCounts = countErrors.isEmpty()
                ? CheckResult.pass(ROW_COUNTS, rows + " rows in " + tableCount + " tables", counts)
                : CheckResult.fail(ROW_COUNTS, countErrors.size() + " tables cannot be read: " + countErrors.get(0), concat(countErrors, counts));
        CheckResult foreignKeys = !fkFailures.isEmpty()
                ? CheckResult.fail(FOREIGN_KEYS, fkFailures.get(0) + (fkFailures.size() > 1 ? " (and " + (fkFailures.size() - 1) + " more)" : ""), fkLines)
                : !fkWarnings.isEmpty() ? CheckResult.warn(FOREIGN_KEYS, fks + " foreign keys checked; " + fkWarnings.get(0), fkLines)
                : CheckResult.pass(FOREIGN_KEYS, fks + " foreign keys checked, no orphan rows", fkLines);
        CheckResult unique = !uniqueFailures.isEmpty()
                ? CheckResult.fail(UNIQUE, uniqueFailures.get(0) + (uniqueFailures.size() > 1 ? " (and " + (uniqueFailures.size() - 1) + " more)" : ""), uniqueLines)
                : CheckResult.pass(UNIQUE, uniques + " unique indexes checked, no duplicates", uniqueLines);
        return new Found(tables, rowCounts, foreignKeys, unique);
    }

    record ForeignKey(String name, String table, String referenced, boolean validated, List<String> columns, List<String> referencedColumns) {
        String describe() {
            return "foreign key " + name + " " + table + "(" + String.join(", ", columns) + ") -> " + referenced
                    + "(" + String.join(", ", referencedColumns) + ")";
        }

        /** Rows whose key is complete (no NULL: MATCH SIMPLE skips those) and matches no referenced row. */
        String orphanQuery() {
            StringBuilder q = new StringBuilder("SELECT count(*) FROM " + table + " c WHERE ");
            for (String col : columns) {
                q.append("c.").append(col).append(" IS NOT NULL AND ");
            }
            q.append("NOT EXISTS (SELECT 1 FROM ").append(referenced).append(" p WHERE ");
            for (int i = 0; i < columns.size(); i++) {
                q.append(i > 0 ? " AND " : "").append("p.").append(referencedColumns.get(i)).append(" = c.").append(columns.get(i));
            }
            return q.append(")").toString();
        }
    }

    record UniqueKey(String index, String table, boolean valid, List<String> columns, String predicate) {
        String describe() {
            return "unique index " + index + " on " + table + "(" + String.join(", ", columns) + ")";
        }

        /** Keys held by more than one row; rows with a NULL in the key never collide in a unique index. */
        String duplicateQuery() {
            StringBuilder where = new StringBuilder();
            for (String col : columns) {
                where.append(where.isEmpty() ? " WHERE " : " AND ").append(col).append(" IS NOT NULL");
            }
            if (predicate != null) {
                where.append(" AND (").append(predicate).append(")");
            }
            return "SELECT count(*) FROM (SELECT 1 FROM " + table + where + " GROUP BY " + String.join(", ", columns)
                    + " HAVING count(*) > 1) d";
        }
    }

    private static List<ForeignKey> foreignKeys(Statement s) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(FKS)) {
            while (r.next()) {
                out.add(new ForeignKey(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), strings(r.getArray(5)),
                        strings(r.getArray(6))));
            }
        }
        return out;
    }

    private static List<UniqueKey> uniqueKeys(Statement s) throws SQLException {
        List<UniqueKey> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(UNIQUES)) {
            while (r.next()) {
                out.add(new UniqueKey(r.getString(1), r.getString(2), r.getBoolean(3), strings(r.getArray(4)), r.getString(5)));
            }
        }
        return out;
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
