package io.walden.backup;

import io.walden.error.WaldenException;
import io.walden.repo.Manifest.DirEntry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists what of PGDATA belongs in a backup, skipping what pg_basebackup skips: files recreated at
 * startup or meaningless in a copy (postmaster.pid, pg_internal.init, temporary files), the contents
 * of folders PostgreSQL empties or rebuilds (pg_wal, pg_replslot, pg_stat_tmp, ...) and the main forks
 * of unlogged relations, which PostgreSQL resets from their init fork anyway.
 */
public final class PgdataScanner {
    private static final Set<String> SKIP_FILES = Set.of(
            "postmaster.pid", "postmaster.opts", "pg_internal.init", "backup_label", "tablespace_map",
            "backup_manifest", "current_logfiles", "postgresql.auto.conf.tmp", "recovery.signal", "standby.signal",
            ".DS_Store");
    /** Folders kept (empty) but whose contents are not copied. */
    private static final Set<String> EMPTY_DIRS = Set.of(
            "pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans",
            "pg_stat_tmp");
    private static final Pattern RELATION_FILE = Pattern.compile("(\\d+)(_(fsm|vm|init))?(\\.\\d+)?");

    private final Path pgdata;

    public PgdataScanner(Path pgdata) {
        this.pgdata = pgdata;
    }

    public PgdataScan scan() throws IOException {
        List<DirEntry> dirs = new ArrayList<>();
        List<SourceFile> files = new ArrayList<>();
        walk(pgdata, "", dirs, files);
        // pg_wal/archive_status must exist for the server to start archiving again.
        if (dirs.stream().anyMatch(d -> d.path().equals("pg_wal"))
                && dirs.stream().noneMatch(d -> d.path().equals("pg_wal/archive_status"))) {
            dirs.add(new DirEntry("pg_wal/archive_status", 0700));
        }
        return new PgdataScan(dirs, files);
    }

    private void walk(Path dir, String rel, List<DirEntry> dirs, List<SourceFile> files) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return; // a folder dropped while we scan (a database being dropped); WAL replay handles it
        }
        Set<String> unloggedRelations = unloggedRelations(entries);
        for (Path p : entries) {
            String name = p.getFileName().toString();
            String path = rel.isEmpty() ? name : rel + "/" + name;
            PosixFileAttributes a;
            try {
                a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (a.isSymbolicLink()) {
                if (rel.equals("pg_tblspc")) {
                    throw new WaldenException("this cluster has a tablespace (pg_tblspc/" + name
                            + "), and walden does not back up tablespaces yet",
                            "move the tablespace's objects to pg_default, or use pg_basebackup for this cluster");
                }
                if (rel.isEmpty() && name.equals("pg_wal")) {
                    dirs.add(new DirEntry(path, 0700)); // pg_wal linked elsewhere: recreated as a folder
                    continue;
                }
                throw new WaldenException("PGDATA contains a symbolic link, " + path + ", which walden cannot back up",
                        "replace the link with the folder or file it points to");
            }
            if (name.startsWith("pgsql_tmp") || SKIP_FILES.contains(name) && !a.isDirectory()) {
                continue;
            }
            if (a.isDirectory()) {
                dirs.add(new DirEntry(path, mode(a)));
                if (rel.isEmpty() && EMPTY_DIRS.contains(name)) {
                    if (name.equals("pg_wal")) {
                        dirs.add(new DirEntry("pg_wal/archive_status", 0700));
                    }
                    continue;
                }
                walk(p, path, dirs, files);
            } else if (a.isRegularFile()) {
                if (isUnloggedData(name, unloggedRelations)) {
                    continue;
                }
                files.add(new SourceFile(path, a.size(), mode(a)));
            }
        }
    }

    /** Relations in this folder that have an init fork, i.e. are unlogged. */
    private static Set<String> unloggedRelations(List<Path> entries) {
        Set<String> out = new HashSet<>();
        for (Path p : entries) {
            Matcher m = RELATION_FILE.matcher(p.getFileName().toString());
            if (m.matches() && "_init".equals(m.group(2))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static boolean isUnloggedData(String name, Set<String> unlogged) {
        if (unlogged.isEmpty()) {
            return false;
        }
        Matcher m = RELATION_FILE.matcher(name);
        return m.matches() && unlogged.contains(m.group(1)) && !"_init".equals(m.group(2));
    }

    static int mode(PosixFileAttributes a) {
        int mode = 0;
        for (PosixFilePermission p : a.permissions()) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
