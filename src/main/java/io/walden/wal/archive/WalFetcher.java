package io.walden.wal.archive;

import io.walden.codec.ObjectDecoder;
import io.walden.error.UsageException;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.storage.ObjectNotFoundException;
import io.walden.wal.WalFileName;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * restore_command's job: copy one archived WAL file to where PostgreSQL wants it. The file appears at
 * its destination only after its checksum was checked. PostgreSQL asks for files that do not exist
 * (newer timelines' history, the segment after the last one); that is answered with {@code false}.
 */
public final class WalFetcher {
    private final Repository repository;

    public WalFetcher(Repository repository) {
        this.repository = repository;
    }

    public boolean fetch(String name, Path destination) throws IOException {
        return fetch(name, destination, true);
    }

    /**
     * {@code durable} false skips flushing the file to disk: for a copy staged ahead of recovery, which a
     * crash would only make recovery fetch again.
     */
    public boolean fetch(String name, Path destination, boolean durable) throws IOException {
        WalFileName file = WalFileName.parse(name).orElseThrow(() -> new UsageException(
                "'" + name + "' is not a WAL file name",
                "restore_command must pass %f and %p, e.g. restore_command = 'walden wal-fetch %f %p'"));
        Path target = destination.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".walden-fetch");
        try (ObjectDecoder in = repository.read(ObjectKeys.wal(file));
             FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(ch);
            in.transferTo(out); // the decoder checks the checksum when it reaches the end
            if (durable) {
                ch.force(true);
            }
        } catch (ObjectNotFoundException e) {
            Files.deleteIfExists(temp);
            return false;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
