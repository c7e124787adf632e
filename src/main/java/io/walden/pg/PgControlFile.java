package io.walden.pg;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Facts read straight from a data directory's files, without a running server: the system identifier that
 * ties a cluster to its repository (first field of global/pg_control) and the major version in PG_VERSION.
 * walden needs them before it may start, stop or restore anything.
 */
public final class PgControlFile {
    private static final String HINT = "pass the data directory of a PostgreSQL cluster (--pgdata or PGDATA)";

    private PgControlFile() {
    }

    /** The cluster's system identifier: the first 8 bytes of global/pg_control, an unsigned little-endian int. */
    public static long systemIdentifier(Path pgdata) {
        Path control = pgdata.resolve("global").resolve("pg_control");
        byte[] head;
        try (InputStream in = Files.newInputStream(control)) {
            head = in.readNBytes(Long.BYTES);
        } catch (NoSuchFileException e) {
            throw notACluster(pgdata, "global/pg_control");
        } catch (IOException e) {
            throw new WaldenException("cannot read " + control + ": " + e.getMessage(), HINT);
        }
        if (head.length < Long.BYTES) {
            throw new WaldenException(control + " is truncated (" + head.length + " bytes)",
                    "the cluster is damaged; restore it from a backup");
        }
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The system identifier as PostgreSQL prints it (unsigned decimal). */
    public static String systemIdentifierText(Path pgdata) {
        return Long.toUnsignedString(systemIdentifier(pgdata));
    }

    /** The major version in PGDATA/PG_VERSION, e.g. 15 ("9.6" reads as 9). */
    public static int pgVersionFile(Path pgdata) {
        Path file = pgdata.resolve("PG_VERSION");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw notACluster(pgdata, "PG_VERSION");
        } catch (IOException e) {
            throw new WaldenException("cannot read " + file + ": " + e.getMessage(), HINT);
        }
        int dot = text.indexOf('.');
        String major = dot < 0 ? text : text.substring(0, dot);
        try {
            return Integer.parseInt(major);
        } catch (NumberFormatException e) {
            throw new WaldenException(file + " does not hold a PostgreSQL version: '" + text + "'",
                    "the cluster is damaged; restore it from a backup");
        }
    }

    /** True when {@code dir} looks like a data directory (has global/pg_control and PG_VERSION). */
    public static boolean isCluster(Path dir) {
        return Files.isRegularFile(dir.resolve("global").resolve("pg_control"))
                && Files.isRegularFile(dir.resolve("PG_VERSION"));
    }

    private static WaldenException notACluster(Path pgdata, String missing) {
        return new WaldenException(pgdata + " does not hold a PostgreSQL cluster (no " + missing + ")", HINT);
    }
}
