package io.walden.wal.archive;

import io.walden.codec.ObjectDecoder;
import io.walden.error.CorruptObjectException;
import io.walden.error.UsageException;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.storage.ObjectNotFoundException;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;
import io.walden.wal.WalPageHeader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

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
            if (file.kind() == WalFileName.Kind.SEGMENT) {
                byte[] first = in.readNBytes(WalPageHeader.LENGTH);
                checkIsSegment(file.name(), first);
                out.write(first);
            }
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

    /**
     * The object's first page must say it is the segment asked for: an object copied or moved to another
     * segment's key passes its own checksum, and replaying it as this segment would corrupt the cluster.
     */
    private static void checkIsSegment(String name, byte[] first) {
        Optional<WalPageHeader> header = WalPageHeader.read(first, first.length);
        String key = ObjectKeys.wal(WalFileName.parse(name).orElseThrow());
        if (header.isEmpty() || Long.bitCount(header.get().segmentSize()) != 1 || header.get().segmentSize() < (1 << 20)
                || header.get().segmentSize() > (1L << 30)) {
            throw new CorruptObjectException(key + " does not start with a WAL segment header; it was not fetched");
        }
        Lsn expected = SegmentName.parse(name, header.get().segmentSize()).startLsn();
        if (header.get().pageAddress() != expected.value()) {
            throw new CorruptObjectException(key + " holds the WAL segment starting at " + new Lsn(header.get().pageAddress())
                    + ", not " + name + " (starting at " + expected + "); it was not fetched",
                    "the object was moved or forged: run 'walden verify' and restore from a backup whose WAL is intact");
        }
    }
}
