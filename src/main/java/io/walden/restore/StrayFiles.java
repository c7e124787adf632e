package io.walden.restore;

import io.walden.repo.Manifest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * For a restore in place: removes from PGDATA what the backup does not have (WAL of the old timeline in
 * pg_wal, files of dropped relations, a stale postmaster.pid), so the result equals a restore into an
 * empty directory. The server log folders stay: they hold the story of the incident.
 */
final class StrayFiles {
    private static final Set<String> LOG_FOLDERS = Set.of("log", "pg_log");

    private StrayFiles() {
    }

    /** Returns how many files were removed. */
    static int remove(Path pgdata, Manifest backup) throws IOException {
        Set<String> files = new HashSet<>();
        backup.files().forEach(f -> files.add(f.path()));
        Set<String> dirs = new HashSet<>();
        backup.directories().forEach(d -> dirs.add(d.path()));
        int[] removed = {0};
        Files.walkFileTree(pgdata, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String rel = relative(pgdata, dir);
                return !rel.isEmpty() && LOG_FOLDERS.contains(rel) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!files.contains(relative(pgdata, file))) {
                    Files.delete(file);
                    removed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                String rel = relative(pgdata, dir);
                if (!rel.isEmpty() && !dirs.contains(rel)) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return removed[0];
    }

    private static String relative(Path pgdata, Path p) {
        return pgdata.relativize(p).toString();
    }
}
