package io.walden.ops.blame;

/**
 * A table as blame follows it through WAL: its name, where its rows live now, and an estimate of how many
 * rows it holds, kept up to date with the inserts and deletes of committed transactions.
 */
final class TrackedTable {
    /** Bytes per row assumed when the table was never analyzed; only orders tables by size, shown as an estimate. */
    private static final long BYTES_PER_ROW_GUESS = 100;

    private final String database;
    private final long tableOid;
    private final String name;
    private final double rowsAtSnapshot;
    private final long bytesAtSnapshot;
    private long rowChange;
    private boolean emptied;
    private Attribution attribution;

    TrackedTable(String database, long tableOid, String name, double rowsAtSnapshot, long bytesAtSnapshot,
                 Attribution attribution) {
        this.database = database;
        this.tableOid = tableOid;
        this.name = name;
        this.rowsAtSnapshot = rowsAtSnapshot;
        this.bytesAtSnapshot = bytesAtSnapshot;
        this.attribution = attribution;
    }

    /** A file that no catalog names, known only by what WAL did to it. */
    static TrackedTable unnamed(String database, RelationFile file) {
        return new TrackedTable(database, 0, "file " + file.path(), 0, 0, Attribution.UNKNOWN);
    }

    String database() {
        return database;
    }

    long tableOid() {
        return tableOid;
    }

    String name() {
        return name;
    }

    Attribution attribution() {
        return attribution;
    }

    void followed() {
        attribution = attribution.weaker(Attribution.FOLLOWED);
    }

    void rowsChanged(long inserted, long deleted) {
        rowChange += inserted - deleted;
    }

    /** After TRUNCATE the table starts again from nothing. */
    void emptied() {
        emptied = true;
        rowChange = 0;
    }

    /** About how many rows the table holds now. */
    long rows() {
        long base = emptied ? 0 : rowsAtSnapshot >= 0 ? Math.round(rowsAtSnapshot) : bytesAtSnapshot / BYTES_PER_ROW_GUESS;
        return Math.max(0, base + rowChange);
    }
}
