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

    public Optional<Database> database(String name) {
        return databases.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public Optional<Database> database(long oid) {
        return databases.stream().filter(d -> d.oid() == oid).findFirst();
    }
}
