package io.walden.wal.decode;

import java.util.List;

/**
 * PostgreSQL's resource managers ("rmgr": the subsystem a record belongs to) of 13 to 17 by id (xl_rmid),
 * with the names pg_waldump prints. Ids from 128 up are custom resource managers of extensions (PostgreSQL
 * 15+); records of any id pass through the decoder, since the CRC, not the id, tells whether a record is valid.
 */
public final class Rmgr {
    public static final int XLOG = 0;
    public static final int TRANSACTION = 1;
    public static final int STORAGE = 2;
    public static final int HEAP2 = 9;
    public static final int HEAP = 10;

    private static final List<String> NAMES = List.of("XLOG", "Transaction", "Storage", "CLOG", "Database",
            "Tablespace", "MultiXact", "RelMap", "Standby", "Heap2", "Heap", "Btree", "Hash", "Gin", "Gist",
            "Sequence", "SPGist", "BRIN", "CommitTs", "ReplicationOrigin", "Generic", "LogicalMessage");

    private Rmgr() {
    }

    /** The name pg_waldump prints for {@code rmid}, or "rmid N" for ids it does not know. */
    public static String name(int rmid) {
        return rmid >= 0 && rmid < NAMES.size() ? NAMES.get(rmid) : "rmid " + rmid;
    }
}
