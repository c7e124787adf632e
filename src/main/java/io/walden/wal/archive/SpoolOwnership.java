package io.walden.wal.archive;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The spool check: a folder owned by the user running walden that no one else can write. A marker there makes
 * wal-push report a WAL file archived; a forged one would make PostgreSQL delete WAL that never reached the
 * repository.
 */
final class SpoolOwnership {
    private SpoolOwnership() {
    }

    static void requirePrivate(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new WaldenException("the spool " + dir + " is not a folder",
                    "remove it so walden can create the spool, or give another one with --spool DIR (or WALDEN_SPOOL)");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int me = currentUid();
        if (owner != me) {
            throw new WaldenException("the spool " + dir + " belongs to uid " + owner + ", not to uid " + me
                    + " who runs walden; markers another user can write could make PostgreSQL drop WAL that was never archived",
                    "run walden as the owner of PGDATA, or remove " + dir + " so walden creates it with mode 0700");
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
        if ((mode & 0022) != 0) {
            throw new WaldenException(String.format("the spool %s is writable by other users (mode %04o); a marker they"
                    + " write could make PostgreSQL drop WAL that was never archived", dir, mode), "chmod 700 " + dir);
        }
    }

    /** The effective uid of this process: /proc/self belongs to it. */
    static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
