package io.walden.wal.decode;

/**
 * The file a relation's data lives in (RelFileLocator, called RelFileNode before PostgreSQL 16): tablespace,
 * database and file number. The file number is not the table's OID: TRUNCATE, VACUUM FULL and CLUSTER give a
 * table a new file, and dropping a table deletes the files its commit record lists.
 */
public record RelFileLocator(long tablespaceOid, long databaseOid, long relNumber) {
    static final int SIZE = 12;
    private static final long DEFAULT_TABLESPACE = 1663;
    private static final long GLOBAL_TABLESPACE = 1664;

    static RelFileLocator read(byte[] b, int offset) {
        return new RelFileLocator(LittleEndian.u32(b, offset), LittleEndian.u32(b, offset + 4), LittleEndian.u32(b, offset + 8));
    }

    /**
     * The path of the relation's main fork relative to the data directory, as PostgreSQL prints it in logs
     * and pg_waldump: "base/DB/REL", "global/REL", or under pg_tblspc for other tablespaces (whose version
     * directory name is not known here, so it is left out).
     */
    public String path() {
        if (tablespaceOid == GLOBAL_TABLESPACE) {
            return "global/" + relNumber;
        }
        if (tablespaceOid == DEFAULT_TABLESPACE) {
            return "base/" + databaseOid + "/" + relNumber;
        }
        return "pg_tblspc/" + tablespaceOid + "/" + databaseOid + "/" + relNumber;
    }

    /** "spc/db/rel", the way pg_waldump prints block references. */
    @Override
    public String toString() {
        return tablespaceOid + "/" + databaseOid + "/" + relNumber;
    }
}
