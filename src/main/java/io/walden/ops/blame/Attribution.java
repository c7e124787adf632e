package io.walden.ops.blame;

/** How sure blame is that a relation file is the table it names. Declared from most to least sure. */
public enum Attribution {
    /** The backup's catalog names the file. */
    CERTAIN("certain: the backup's catalog names the file"),
    /** The table got a new file after the backup (TRUNCATE, VACUUM FULL, CLUSTER) and blame followed it. */
    FOLLOWED("followed: the table got a new file after the backup, and WAL shows which"),
    /** A file no recorded catalog names: a table created after the backup, or one blame lost track of. */
    UNKNOWN("unknown: no recorded catalog names this file (a table created after the backup, or rewritten together with others)");

    private final String meaning;

    Attribution(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    Attribution weaker(Attribution other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
