package io.walden.ops.tablerestore;

import io.walden.error.WaldenException;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The database a table is restored into (--into): what walden asks it before and after pg_restore. */
final class LiveDatabase {
    private final ConnectionSettings settings;

    LiveDatabase(ConnectionSettings settings) {
        this.settings = settings;
    }

    ConnectionSettings settings() {
        return settings;
    }

    /** "database app at 127.0.0.1:5432 as postgres", for messages. */
    String describe() {
        return "database " + settings.database() + " at " + settings.describe();
    }

    Connection open() {
        try {
            return new PgConnector(settings).open();
        } catch (WaldenException e) {
            throw new WaldenException("cannot reach the live " + describe() + " (--into): "
                    + e.getMessage().replaceFirst("^cannot connect to PostgreSQL at [^:]+:\\d+ as \\S+: ", ""),
                    "check --into and that the server runs and lets this user in; nothing was restored", e);
        }
    }

    boolean schemaExists(String schema) throws SQLException {
        try (Connection c = open(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    boolean tableExists(TableName table) throws SQLException {
        try (Connection c = open(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            s.setString(1, table.schema());
            s.setString(2, table.name());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Relations in {@code schema} named like one of {@code names} that a restore would clash with: all of them,
     * except, when {@code replaced} is given, that table and the indexes and sequences that go with it.
     */
    List<String> clashes(String schema, Collection<String> names, TableName replaced) throws SQLException {
        String sql = "SELECT c.relname, coalesce(x.indrelid, d.refobjid, c.oid) = coalesce(to_regclass(?)::oid, 0)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_index x ON x.indexrelid = c.oid"
                + " LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                + " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " WHERE n.nspname = ? AND c.relname = ANY (?) ORDER BY 1";
        List<String> out = new ArrayList<>();
        try (Connection c = open(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, replaced == null ? null : replaced.quoted());
            s.setString(2, schema);
            s.setArray(3, c.createArrayOf("text", names.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (replaced == null || !r.getBoolean(2)) {
                        out.add(schema + "." + r.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** Adds a foreign key without checking the rows already there; null when it was added, else why not. */
    String addForeignKeyNotValid(TableName table, String name, String definition) {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table.quoted() + " ADD CONSTRAINT " + TableName.quote(name) + " " + definition + " NOT VALID");
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** What the restored table has in the live database: rows, indexes, constraints. */
    record Restored(long rows, List<String> indexes, Map<String, String> constraints) {}

    Restored describe(TableName table) throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            long rows;
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table.quoted())) {
                r.next();
                rows = r.getLong(1);
            }
            String oid = "to_regclass(" + TableName.literal(table.quoted()) + ")";
            List<String> indexes = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                    + " WHERE x.indrelid = " + oid + " ORDER BY 1")) {
                while (r.next()) {
                    indexes.add(r.getString(1));
                }
            }
            Map<String, String> constraints = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery("SELECT conname, CASE contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'"
                    + " WHEN 'f' THEN 'foreign key' || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END"
                    + " WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger' ELSE contype::text END"
                    + " FROM pg_constraint WHERE conrelid = " + oid + " AND contype <> 'n' ORDER BY 1")) {
                while (r.next()) {
                    constraints.put(r.getString(1), r.getString(2));
                }
            }
            return new Restored(rows, indexes, constraints);
        }
    }
}
