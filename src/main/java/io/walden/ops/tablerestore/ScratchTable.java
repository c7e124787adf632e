package io.walden.ops.tablerestore;

import io.walden.error.WaldenException;
import io.walden.ops.scratch.ScratchInstance;
import io.walden.pg.ProcessResult;
import io.walden.pg.ProcessRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The table inside the scratch instance, reached with psql and pg_dump through the scratch socket: what it
 * looked like at the target, and the copy walden dumps from it.
 */
final class ScratchTable {
    private static final Duration SQL_TIMEOUT = Duration.ofMinutes(10);
    private static final String FIELD = "\u001f";

    /** A foreign key to another table; {@code definition} names tables with their schema. */
    record ForeignKey(String name, String definition, String references) {}

    /** An index, and the constraint it backs (primary key, unique, exclusion) or null. */
    record Index(String name, String constraint) {}

    /** A sequence owned by the table: a serial column's (dumped on its own) or an identity column's (dumped with it). */
    record Sequence(String name, boolean identity) {}

    record Shape(long rows, List<ForeignKey> foreignKeys, List<Index> indexes, List<Sequence> sequences,
                 List<String> primaryKey) {}

    private final ScratchInstance scratch;
    private final ClientTools tools;
    private final String database;
    private final String role;

    private ScratchTable(ScratchInstance scratch, ClientTools tools, String database, String role) {
        this.scratch = scratch;
        this.tools = tools;
        this.database = database;
        this.role = role;
    }

    /**
     * Logs in to {@code database} of the scratch instance. Any role gets in through the scratch socket, but
     * walden does not know which roles the backup has: it tries the likely ones, then works as the bootstrap
     * superuser, who can read and rename every table.
     */
    static ScratchTable open(ScratchInstance scratch, ClientTools tools, String database, List<String> likelyRoles, String at) {
        String last = "";
        for (String candidate : new LinkedHashSet<>(likelyRoles)) {
            ProcessResult r = psql(scratch, tools, candidate, database, "SELECT rolname FROM pg_roles WHERE oid = 10");
            if (r.succeeded()) {
                return new ScratchTable(scratch, tools, database, r.output().strip());
            }
            last = String.join(" ", r.lastLines(2));
            if (last.contains("database \"" + database + "\" does not exist")) {
                throw new WaldenException("database " + database + " did not exist at " + at,
                        "name the table's database with --database DB (default: the database of --into)");
            }
        }
        throw new WaldenException("cannot log in to the scratch instance as any of " + String.join(", ", likelyRoles) + ": " + last,
                "set PGUSER to a role the backed-up cluster has");
    }

    Shape inspect(TableName table, String at) {
        String schema = TableName.literal(table.schema());
        String name = TableName.literal(table.name());
        List<String[]> kind = query("SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = " + schema + " AND c.relname = " + name);
        if (kind.isEmpty()) {
            throw new WaldenException("table " + table + " did not exist in database " + database + " at " + at,
                    "check the name, and pick a target before the table was dropped: walden blame --table " + table
                            + " shows when it was");
        }
        if (!kind.get(0)[0].equals("r")) {
            throw new WaldenException(table + " is not a plain table at " + at + " (relkind " + kind.get(0)[0] + ")",
                    "restore-table copies one plain table; for a partitioned table restore each partition");
        }
        String oid = "to_regclass(" + TableName.literal(table.quoted()) + ")";
        long rows = Long.parseLong(query("SELECT count(*) FROM " + table.quoted()).get(0)[0]);
        List<ForeignKey> fks = query("SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint"
                + " WHERE conrelid = " + oid + " AND contype = 'f' AND confrelid <> conrelid ORDER BY conname").stream()
                .map(f -> new ForeignKey(f[0], f[1].replaceFirst(" NOT VALID$", ""), f[2])).toList();
        List<Index> indexes = query("SELECT i.relname, coalesce(con.conname, '') FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                + " LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')"
                + " WHERE x.indrelid = " + oid + " ORDER BY 1").stream()
                .map(i -> new Index(i[0], i[1].isEmpty() ? null : i[1])).toList();
        List<Sequence> sequences = query("SELECT s.relname, d.deptype = 'i' FROM pg_depend d JOIN pg_class s ON s.oid = d.objid"
                + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = " + oid
                + " AND s.relkind = 'S' AND d.deptype IN ('a', 'i') ORDER BY 1").stream()
                .map(s -> new Sequence(s[0], s[1].equals("t"))).toList();
        List<String> primaryKey = query("SELECT quote_ident(a.attname) FROM pg_constraint con"
                + " JOIN LATERAL unnest(con.conkey) WITH ORDINALITY k(attnum, n) ON true"
                + " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
                + " WHERE con.conrelid = " + oid + " AND con.contype = 'p' ORDER BY k.n").stream().map(p -> p[0]).toList();
        return new Shape(rows, fks, indexes, sequences, primaryKey);
    }

    /**
     * Turns the scratch's table into the copy the live database gets, in one transaction: its new name, its
     * indexes, index-backed constraints and sequences renamed to match (they share the schema's namespace with
     * the original's), and its foreign keys to other tables dropped, to be added back NOT VALID after the restore.
     */
    void prepareCopy(TableName table, String copy, Shape shape) {
        List<String> sql = new ArrayList<>();
        for (ForeignKey fk : shape.foreignKeys()) {
            sql.add("ALTER TABLE " + table.quoted() + " DROP CONSTRAINT " + TableName.quote(fk.name()));
        }
        if (!copy.equals(table.name())) {
            for (Index i : shape.indexes()) {
                String renamed = TableName.quote(TableName.childName(i.name(), table.name(), copy));
                sql.add(i.constraint() != null
                        ? "ALTER TABLE " + table.quoted() + " RENAME CONSTRAINT " + TableName.quote(i.constraint()) + " TO " + renamed
                        : "ALTER INDEX " + TableName.quote(table.schema()) + "." + TableName.quote(i.name()) + " RENAME TO " + renamed);
            }
            for (Sequence s : shape.sequences()) {
                sql.add("ALTER SEQUENCE " + TableName.quote(table.schema()) + "." + TableName.quote(s.name()) + " RENAME TO "
                        + TableName.quote(TableName.childName(s.name(), table.name(), copy)));
            }
            sql.add("ALTER TABLE " + table.quoted() + " RENAME TO " + TableName.quote(copy));
        }
        if (sql.isEmpty()) {
            return;
        }
        query("BEGIN; " + String.join("; ", sql) + "; COMMIT");
    }

    /** pg_dump, custom format, of the copy and the serial sequences it owns (identity sequences come with it). */
    void dump(TableName copy, List<String> serialSequences, Path file, Duration timeout) {
        List<String> args = new ArrayList<>(List.of("-Fc", "-U", role, "-d", database, "-f", file.toString(), "-t", pattern(copy)));
        for (String s : serialSequences) {
            args.addAll(List.of("-t", pattern(copy.withName(s))));
        }
        ProcessResult r = ProcessRunner.run(scratch.clientCommand(tools.pgDump(), args), Path.of("/"), timeout);
        if (!r.succeeded()) {
            throw new WaldenException("pg_dump of " + copy + " from the scratch instance failed: " + String.join(" ", r.lastLines(5)),
                    "run again with --debug; the live database was not changed");
        }
    }

    /** A pg_dump -t pattern matching exactly this name: inside double quotes nothing is a wildcard. */
    private static String pattern(TableName t) {
        return t.quoted();
    }

    private List<String[]> query(String sql) {
        ProcessResult r = psql(scratch, tools, role, database, sql);
        if (!r.succeeded()) {
            throw new WaldenException("a query in the scratch instance failed: " + String.join(" ", r.lastLines(3)),
                    "run again with --debug; the live database was not changed");
        }
        List<String[]> rows = new ArrayList<>();
        r.output().lines().filter(l -> !l.isEmpty()).forEach(l -> rows.add(l.split(FIELD, -1)));
        return rows;
    }

    private static ProcessResult psql(ScratchInstance scratch, ClientTools tools, String role, String database, String sql) {
        List<String> args = List.of("-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=terse", "-F", FIELD,
                "-U", role, "-d", database, "-c", "SET search_path = pg_catalog", "-c", "SET client_min_messages = warning",
                "-c", sql);
        return ProcessRunner.run(scratch.clientCommand(tools.psql(), args), Path.of("/"), SQL_TIMEOUT);
    }
}
