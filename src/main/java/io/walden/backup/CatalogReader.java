package io.walden.backup;

import io.walden.pg.PgConnector;
import io.walden.repo.CatalogSnapshot;
import io.walden.wal.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the tables of every database the server lets walden connect to, with the file numbers their data
 * lives in (see {@link CatalogSnapshot}). A database that cannot be read is named in the snapshot's problems
 * instead of failing the backup: the snapshot only serves {@code walden blame}.
 */
public final class CatalogReader {

    // Relations with storage outside the system schemas, and the partitioned tables that have none.
    // pg_relation_filenode follows mapped catalogs and is null for relations without a file.
    private static final String RELATIONS = """
            SELECT c.oid, n.nspname, c.relname, c.relkind::text, coalesce(pg_relation_filenode(c.oid), 0),
                   c.reltoastrelid, coalesce(i.indrelid, 0), c.reltuples, coalesce(pg_relation_size(c.oid), 0)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_index i ON i.indexrelid = c.oid
             WHERE c.relkind IN ('r', 'p', 'm', 't', 'i')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND c.relpersistence = 'p'""";

    /** A table never analyzed has no row estimate; up to this size counting its rows costs little. */
    private static final long COUNT_UP_TO_BYTES = 8L << 20;

    private final PgConnector connector;

    /** Reads through connections of its own, made with {@code connector}'s settings. */
    public CatalogReader(PgConnector connector) {
        this.connector = connector;
    }

    public CatalogSnapshot read() throws SQLException {
        Instant taken = Instant.now();
        Lsn lsn;
        Map<Long, String> databases = new LinkedHashMap<>();
        try (Connection server = connector.open(); Statement s = server.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                r.next();
                lsn = Lsn.parse(r.getString(1));
            }
            try (ResultSet r = s.executeQuery(
                    "SELECT oid, datname FROM pg_database WHERE datallowconn ORDER BY oid")) {
                while (r.next()) {
                    databases.put(r.getLong(1), r.getString(2));
                }
            }
        }
        List<CatalogSnapshot.Database> read = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (var db : databases.entrySet()) {
            try (Connection c = connector.forDatabase(db.getValue()).open()) {
                read.add(new CatalogSnapshot.Database(db.getKey(), db.getValue(), tables(c)));
            } catch (SQLException | RuntimeException e) {
                problems.add("database " + db.getValue() + ": " + e.getMessage());
            }
        }
        return new CatalogSnapshot(taken, lsn, read, problems);
    }

    /**
     * The table's rows, or -1 (unknown) when counting would wait for a lock (DDL running on the table) or take
     * long: the snapshot must never hold up the backup or the application.
     */
    private static double count(Connection c, String schema, String table) {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM ONLY " + identifier(schema) + "." + identifier(table))) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Limits for the counts, set once: the connection is this database's alone and closed after the read. */
    private static void limitWaits(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '200ms'");
            s.execute("SET statement_timeout = '5s'");
        }
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static List<CatalogSnapshot.Table> tables(Connection c) throws SQLException {
        record Row(long oid, String schema, String name, String kind, long file, long toastOid, long indexOf,
                   double rows, long bytes) {}
        Map<Long, Row> byOid = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(RELATIONS); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                // before 14 a table never analyzed shows 0 rows, not -1: with pages on disk that means "unknown"
                double reltuples = r.getDouble(8) == 0 && r.getLong(9) > 0 ? -1 : r.getDouble(8);
                Row row = new Row(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                        r.getLong(6), r.getLong(7), reltuples, r.getLong(9));
                rows.add(row);
                byOid.put(row.oid(), row);
            }
        }
        Map<Long, List<CatalogSnapshot.Index>> indexes = new HashMap<>();
        for (Row row : rows) {
            if (row.kind().equals("i") && row.indexOf() != 0) {
                indexes.computeIfAbsent(row.indexOf(), k -> new ArrayList<>())
                        .add(new CatalogSnapshot.Index(row.oid(), row.name(), row.file()));
            }
        }
        List<CatalogSnapshot.Table> tables = new ArrayList<>();
        limitWaits(c);
        for (Row row : rows) {
            if (row.kind().equals("r") || row.kind().equals("p") || row.kind().equals("m")) {
                Row toast = byOid.get(row.toastOid());
                double estimate = row.rows() < 0 && !row.kind().equals("p") && row.bytes() <= COUNT_UP_TO_BYTES
                        ? count(c, row.schema(), row.name()) : row.rows();
                tables.add(new CatalogSnapshot.Table(row.oid(), row.schema(), row.name(), row.kind(), row.file(),
                        toast == null ? 0 : toast.file(), indexes.getOrDefault(row.oid(), List.of()), estimate, row.bytes()));
            }
        }
        tables.sort(java.util.Comparator.comparing(CatalogSnapshot.Table::qualifiedName));
        return tables;
    }
}
