package io.walden.wal.archive;

import io.walden.wal.WalFileName;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The WAL files PostgreSQL has finished and waits to archive (archive_status/NAME.ready), in the order its
 * archiver asks for them: timeline history files first, then by name, which for segments is oldest first.
 * Pushing in that order means the file PostgreSQL asks for next is the one most likely done already.
 */
public final class ReadyFiles {
    private static final String SUFFIX = ".ready";
    private static final String ARCHIVED_SUFFIX = ".done";

    private ReadyFiles() {
    }

    static Path statusDirectory(Path pgWal) {
        return pgWal.resolve("archive_status");
    }

    static boolean isReady(Path pgWal, String name) {
        return Files.exists(statusDirectory(pgWal).resolve(name + SUFFIX));
    }

    /**
     * Whether PostgreSQL has written WAL file {@code name} to its end: it is waiting to be archived (.ready) or was
     * (.done). A segment with neither may still be half-written.
     */
    public static boolean isFinished(Path pgWal, String name) {
        return isReady(pgWal, name) || Files.exists(statusDirectory(pgWal).resolve(name + ARCHIVED_SUFFIX));
    }

    static List<String> list(Path pgWal) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(statusDirectory(pgWal), "*" + SUFFIX)) {
            for (Path entry : entries) {
                String status = entry.getFileName().toString();
                String name = status.substring(0, status.length() - SUFFIX.length());
                if (WalFileName.parse(name).isPresent()) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        names.sort(Comparator.comparing((String n) -> !n.endsWith(".history")).thenComparing(Comparator.naturalOrder()));
        return names;
    }
}
