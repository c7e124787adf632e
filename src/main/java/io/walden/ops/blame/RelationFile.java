package io.walden.ops.blame;

import io.walden.wal.decode.RelFileLocator;

/** A relation file within a database: what WAL records name. Tablespaces are left out: file numbers are unique per database. */
record RelationFile(long databaseOid, long fileNumber) {

    static RelationFile of(RelFileLocator locator) {
        return new RelationFile(locator.databaseOid(), locator.relNumber());
    }

    String path() {
        return "base/" + databaseOid + "/" + fileNumber;
    }
}
