package io.walden.ops.preview;

import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a restored copy of production runs on the production host (a preview, a drill): its own directory, port
 * and socket directory, and the settings that keep it from ever acting as production.
 *
 * @param createdDir walden created {@code dir} (else it was an empty directory the operator gave, kept on removal)
 * @param settings   written into the restored server's postgresql.auto.conf
 */
public record ScratchPlacement(Path dir, boolean createdDir, Path pgdata, Path socketDir, int port, String osUser,
                              Map<String, String> settings) {

    public ScratchPlacement {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Chooses the port and makes the directory, with PGDATA still missing for the restore to create.
     *
     * @param clusterName the server's name in the process list ("walden-drill"), and the temporary directory's prefix
     * @param what        names it in messages ("a drill")
     */
    public static ScratchPlacement create(Optional<Path> dir, OptionalInt port, int productionPort, String osUser,
                                         String clusterName, String what) throws IOException {
        int chosen = ScratchPort.choose(port, productionPort);
        ScratchDirectory.Made made = ScratchDirectory.make(dir, osUser, clusterName + "-", what);
        Path socketDir = made.dir().resolve("socket");
        ScratchPlacement scratch = new ScratchPlacement(made.dir(), made.created(), made.dir().resolve("pgdata"), socketDir,
                chosen, osUser, settings(socketDir, clusterName));
        try {
            ScratchDirectory.checkReachable(made.dir(), osUser);
            Files.createDirectory(socketDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            OsUser.chown(socketDir, osUser);
        } catch (IOException | RuntimeException e) {
            scratch.removeDirectory();
            throw e;
        }
        return scratch;
    }

    /** Removes what was made: the directory when walden created it, else what it put in it. */
    public void removeDirectory() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (createdDir) {
            DirectoryTree.delete(dir);
        } else {
            DirectoryTree.deleteContents(dir);
        }
    }

    /** What psql takes: TCP on the loopback address, the only address the instance listens on. */
    public String connectionString(String user) {
        return "host=127.0.0.1 port=" + port + " dbname=postgres user=" + user;
    }

    /**
     * Reachable only from this host, never archiving into the repository (even when promoted), small memory,
     * and a name in the process list.
     */
    static Map<String, String> settings(Path socketDir, String clusterName) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "127.0.0.1");
        s.put("unix_socket_directories", socketDir.toString());
        s.put("hot_standby", "on");
        s.put("archive_mode", "off");
        s.put("cluster_name", clusterName);
        s.put("shared_buffers", "128MB");
        s.put("huge_pages", "off");
        return s;
    }
}
