package io.walden.ops.preview;

import io.walden.error.WaldenException;
import io.walden.repo.Json;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where this host remembers the preview of one repository: a small JSON file per repository in walden's
 * state directory. A preview is a process on this host, not a fact about the backups, so it is kept
 * here and never in the repository (which other hosts may share); the scratch directory carries a copy
 * as its marker, so walden removes only a directory it made.
 */
public final class PreviewRegistry {
    private final Path file;

    /**
     * @param stateDir      walden's state directory on this host
     * @param repositoryKey a file-name-safe key of the repository (one preview per repository)
     */
    public PreviewRegistry(Path stateDir, String repositoryKey) {
        this.file = stateDir.resolve("previews").resolve(repositoryKey + ".json");
    }

    public Path file() {
        return file;
    }

    public Optional<PreviewState> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(file));
    }

    /**
     * Records {@code state} if no preview is recorded; false when one is. Creating the file is the test, so
     * two previews started at once cannot both pass it.
     */
    public boolean reserve(PreviewState state) throws IOException {
        Path dir = Files.createDirectories(file.getParent());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try {
            Files.write(file, Json.mapper().writeValueAsBytes(state), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    public void update(PreviewState state) throws IOException {
        write(file, state);
    }

    public void remove() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Writes {@code state} to {@code target} by rename, so a reader never sees half a file. */
    static void write(Path target, PreviewState state) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, Json.mapper().writeValueAsBytes(state));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static PreviewState parse(Path path) {
        try {
            return Json.mapper().readValue(path.toFile(), PreviewState.class);
        } catch (IOException e) {
            throw new WaldenException("cannot read the preview state " + path + ": " + e.getMessage(),
                    "stop the preview's server with pg_ctl stop -D <its pgdata>, remove its directory, then delete " + path);
        }
    }
}
