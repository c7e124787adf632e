package io.walden.wal.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Being the one background archiver of a spool area: a lock on archiver.lock, which the kernel releases when
 * the process ends however it ends (kill -9 included), and the pid file that tells wal-push, and bin/walden,
 * that waiting for a marker makes sense.
 */
final class ArchiverLease implements AutoCloseable {
    private final ArchiveSpool spool;
    private final FileChannel channel;
    private final FileLock lock;
    private final ProcessStamp me;

    private ArchiverLease(ArchiveSpool spool, FileChannel channel, FileLock lock, ProcessStamp me) {
        this.spool = spool;
        this.channel = channel;
        this.lock = lock;
        this.me = me;
    }

    /** The lease, or empty when another archiver holds it. */
    static Optional<ArchiverLease> tryAcquire(ArchiveSpool spool) throws IOException {
        FileChannel channel = FileChannel.open(spool.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        ProcessStamp me = ProcessStamp.current();
        ArchiveSpool.writeAtomically(spool.pidFile(), me.line() + "\n");
        return Optional.of(new ArchiverLease(spool, channel, lock, me));
    }

    /** The archiver running for this spool area, if one does. */
    static Optional<ProcessStamp> running(ArchiveSpool spool) {
        return ArchiveSpool.read(spool.pidFile()).flatMap(ProcessStamp::parse).filter(ProcessStamp::isAlive);
    }

    /** The pid file goes first, so that nobody waits on an archiver that is leaving. */
    @Override
    public void close() throws IOException {
        try {
            if (ArchiveSpool.read(spool.pidFile()).flatMap(ProcessStamp::parse).filter(me::equals).isPresent()) {
                Files.deleteIfExists(spool.pidFile());
            }
        } finally {
            lock.release();
            channel.close();
        }
    }
}
