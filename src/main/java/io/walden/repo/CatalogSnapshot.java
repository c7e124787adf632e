package io.walden.repo;

import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tables of every database as a backup saw them: names, OIDs and the relation file numbers WAL records
 * use instead of names. Stored with the backup ({@code backups/<id>/catalog.json}) so that a table can be
 * named in WAL written after it, even once it has been dropped.
 *
 * @param lsn      the WAL insert location when the catalog was read; file numbers hold from there until WAL
 *                 says a relation got a new file
 * @param problems databases that could not be read, one line each
 */
public record CatalogSnapshot(Instant taken, Lsn lsn, List<Database> databases, List<String> problems) {

    public CatalogSnapshot {
        databases = List.copyOf(databases);
        problems = List.copyOf(problems);
    }

    public record Database(long oid, String name, List<Table> tables) {
        public Database {
            tables = List.copyOf(tables);
        }
    }

    /**
     * A table, materialized view or partitioned table (which has no file: {@code fileNumber} 0).
     *
     * @param rows  the planner's estimate (reltuples), -1 when the table was never analyzed
     * @param bytes the main fork's size
     */
    public record Table(long oid, String schema, String name, String kind, long fileNumber, long toastFileNumber,
                        List<Index> indexes, double rows, long bytes) {
        public Table {
            indexes = List.copyOf(indexes);
        }

        public String qualifiedName() {
            return schema + "." + name;
        }
    }

    public record Index(long oid, String name, long fileNumber) {}

    /** Written by hand, as data binding writes it: a backup writes one, and data binding's first use costs a tenth of a second. */
    String json() {
        JsonText json = new JsonText().begin().field("taken", taken).field("lsn", lsn).key("databases").beginArray();
        for (Database d : databases) {
            json.begin().field("oid", d.oid()).field("name", d.name()).key("tables").beginArray();
            for (Table t : d.tables()) {
                json.begin().field("oid", t.oid()).field("schema", t.schema()).field("name", t.name()).field("kind", t.kind())
                        .field("fileNumber", t.fileNumber()).field("toastFileNumber", t.toastFileNumber()).key("indexes").beginArray();
                for (Index i : t.indexes()) {
                    json.begin().field("oid", i.oid()).field("name", i.name()).field("fileNumber", i.fileNumber()).end();
                }
                json.endArray().field("rows", t.rows()).field("bytes", t.bytes()).end();
            }
            json.endArray().end();
        }
        json.endArray().key("problems").beginArray();
        problems.forEach(json::value);
        return json.endArray().end().toString();
    }

    public Optional<Database> database(String name) {
        return databases.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public Optional<Database> database(long oid) {
        return databases.stream().filter(d -> d.oid() == oid).findFirst();
    }
}
