package io.walden.ops.preview;

import io.walden.error.WaldenException;
import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.pg.ProcessRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The scratch directory of a preview: PGDATA and the server's socket directory, readable by the server user
 * only (it holds a copy of production data), and a marker naming the preview, without which walden never
 * removes it.
 */
final class ScratchDirectory {
    static final String MARKER = "walden-preview.json";
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private ScratchDirectory() {
    }

    record Made(Path dir, boolean created) {}

    /** A new directory under the system temp directory, or {@code given} when it is missing or empty. */
    static Made make(Optional<Path> given, String osUser) throws IOException {
        return make(given, osUser, "walden-preview-", "a preview");
    }

    /** @param what names the scratch instance in messages ("a drill") */
    static Made make(Optional<Path> given, String osUser, String prefix, String what) throws IOException {
        Made made;
        if (given.isEmpty()) {
            made = new Made(Files.createTempDirectory(prefix).toRealPath(), true);
        } else {
            Path dir = given.get().toAbsolutePath().normalize();
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir) || !isEmpty(dir)) {
                    throw new WaldenException(dir + " is not an empty directory; " + what + " needs a new or empty one",
                            "give --dir a new directory, or leave --dir out to use one under the system temp directory");
                }
                made = new Made(dir, false);
            } else {
                made = new Made(Files.createDirectories(dir), true);
            }
        }
        Files.setPosixFilePermissions(made.dir(), PosixFilePermissions.fromString("rwx------"));
        OsUser.chown(made.dir(), osUser);
        return made;
    }

    /** As root, PostgreSQL runs as another user, who must be able to reach the directory through its parents. */
    static void checkReachable(Path dir, String osUser) {
        if (!OsUser.isRoot() || osUser.equals("root")) {
            return;
        }
        if (!ProcessRunner.run(OsUser.commandAs(osUser, List.of("test", "-w", dir.toString())), Path.of("/"), CHECK_TIMEOUT)
                .succeeded()) {
            throw new WaldenException("the PostgreSQL OS user '" + osUser + "' cannot reach " + dir,
                    "give --dir a directory whose parents that user can enter, or leave --dir out");
        }
    }

    static void mark(PreviewState state) throws IOException {
        PreviewRegistry.write(state.dir().resolve(MARKER), state);
    }

    /**
     * Removes what the preview left in its directory, and the directory when walden made it; a directory
     * without this preview's marker is left alone.
     */
    static void remove(PreviewState state) throws IOException {
        Path dir = state.dir();
        if (!Files.exists(dir)) {
            return;
        }
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker) || !PreviewRegistry.parse(marker).id().equals(state.id())) {
            throw new WaldenException(dir + " does not carry the marker of this preview, so walden leaves it alone",
                    "check what it holds and remove it yourself");
        }
        if (state.createdDir()) {
            DirectoryTree.delete(dir);
        } else {
            DirectoryTree.deleteContents(dir);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
