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
        long padTo = 0;
        ObjectDecoder source;
        try {
            // read first, look for a partial only when that fails: the common case costs one request, not two
            source = repository.read(ObjectKeys.wal(file));
        } catch (ObjectNotFoundException e) {
            Optional<String> partial = file.kind() == WalFileName.Kind.SEGMENT ? newestPartial(file) : Optional.empty();
            if (partial.isEmpty()) {
                return false;
            }
            try {
                source = repository.read(partial.get());
            } catch (ObjectNotFoundException gone) {
                return false;
            }
            padTo = repository.requireIdentity().walSegmentSize();
        }
        try (ObjectDecoder in = source;
             FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(ch);
            if (file.kind() == WalFileName.Kind.SEGMENT) {
                byte[] first = in.readNBytes(WalPageHeader.LENGTH);
                checkIsSegment(file.name(), first);
                out.write(first);
            }
            long n = (file.kind() == WalFileName.Kind.SEGMENT ? WalPageHeader.LENGTH : 0) + in.transferTo(out);
            // the decoder checked the checksum at the end; a partial segment is padded with zeros to a whole
            // segment, where recovery finds no valid record and ends
            if (n < padTo) {
                ch.write(java.nio.ByteBuffer.allocate(1), padTo - 1);
            }
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

    private boolean exists(String key) throws IOException {
        return repository.storage().list(key).stream().anyMatch(o -> o.key().equals(key));
    }

    /**
     * The partial object the daemon streamed for a segment never archived whole, if it is the newest WAL of
     * its timeline: that is where the WAL ended when the server was lost, and replaying it gives back the
     * commits of its last seconds. A partial followed by later segments is a leftover and is not served, nor
     * is one whose full segment exists (the caller checked that).
     */
    private Optional<String> newestPartial(WalFileName file) throws IOException {
        String partialKey = ObjectKeys.wal(WalFileName.parse(file.name() + ".partial").orElseThrow());
        if (!exists(partialKey)) {
            return Optional.empty();
        }
        String timelinePrefix = ObjectKeys.WAL + file.name().substring(0, 8);
        for (io.walden.storage.ObjectInfo info : repository.storage().list(timelinePrefix)) {
            String name = ObjectKeys.walFileName(info.key());
            Optional<WalFileName> other = WalFileName.parse(name);
            if (other.isPresent() && other.get().kind() == WalFileName.Kind.SEGMENT && name.compareTo(file.name()) > 0) {
                return Optional.empty();
            }
        }
        return Optional.of(partialKey);
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
