package io.walden.repo;

import io.walden.codec.Digests;
import io.walden.error.WaldenException;
import io.walden.storage.ObjectInfo;
import io.walden.storage.ObjectNotFoundException;
import io.walden.storage.PendingObject;
import io.walden.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Keeps two writers that must not overlap (two backups, a backup and a delete) apart, on any storage:
 * the lock is an object created only if absent. The holder refreshes it while it works, so a lock left by
 * a killed process is recognised as stale (its process is gone on this host, or its heartbeat stopped)
 * and taken over instead of blocking the repository forever.
 */
public final class RepositoryLock implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    static final Duration STALE_AFTER = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofSeconds(1);
    /** How long a takeover marker stands: far longer than a takeover takes, short enough to outlive a taker killed half way. */
    static final Duration MARKER_EXPIRY = Duration.ofMinutes(1);
    private static final String MARKER = ".takeover-";
    private static final Instant PROCESS_START = ProcessHandle.current().info().startInstant().orElse(null);

    /**
     * Who holds a lock, as stored in it. {@code processStart} tells the holder from a later process that
     * was given the same pid after it died.
     */
    public record Holder(String host, long pid, Instant processStart, String purpose, Instant started, Instant heartbeat) {
        boolean staleAt(Instant now, String thisHost) {
            if (host.equals(thisHost)) {
                return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(p -> processStart == null || p.info().startInstant().map(processStart::equals).orElse(true))
                        .isEmpty();
            }
            return heartbeat.plus(STALE_AFTER).isBefore(now);
        }

        String describe() {
            return purpose + " by process " + pid + " on " + host + " since " + started;
        }
    }

    private final Storage storage;
    private final String key;
    private final Holder holder;
    private final Thread heartbeat;
    private volatile boolean released;

    private RepositoryLock(Storage storage, String key, Holder holder) {
        this.storage = storage;
        this.key = key;
        this.holder = holder;
        this.heartbeat = Thread.ofVirtual().name("walden-lock-heartbeat").start(this::beat);
    }

    /**
     * Takes the repository's write lock for {@code purpose} ("backup", "delete"), waiting up to {@code wait}
     * for a live holder to finish; refuses with the holder's name when it does not.
     */
    public static RepositoryLock acquire(Repository repository, String purpose, Duration wait) throws IOException {
        Storage storage = repository.storage();
        String key = ObjectKeys.LOCK;
        String host = hostName();
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            Instant now = Instant.now();
            Holder mine = new Holder(host, ProcessHandle.current().pid(), PROCESS_START, purpose, now, now);
            if (write(storage, key, mine, true)) {
                return new RepositoryLock(storage, key, mine);
            }
            Optional<Holder> current = read(storage, key);
            if (current.isEmpty()) {
                continue; // released between our two calls
            }
            Holder other = current.get();
            if (other.staleAt(now, host)) {
                takeOver(storage, key, host);
                continue;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new WaldenException("the repository at " + repository.location() + " is locked: " + other.describe(),
                        "wait for it to finish, or pass --wait SECONDS to queue behind it");
            }
            sleep(POLL);
        }
    }

    /**
     * Removes a stale lock such that of all the processes that saw it, exactly one does: the one that
     * creates its takeover marker, named after the lock's bytes and time. Without the marker, a process that
     * found the lock stale a moment ago could delete the lock a faster one has just taken. Everyone then
     * races for the free lock as usual. Old markers are removed, so a taker killed half way blocks no one.
     */
    private static void takeOver(Storage storage, String key, String host) throws IOException {
        Optional<ObjectInfo> stale = storage.stat(key);
        byte[] bytes = stale.isEmpty() ? null : readBytes(storage, key).orElse(null);
        if (bytes == null || !parse(bytes).staleAt(Instant.now(), host)) {
            return; // released, or taken again since it was found stale
        }
        String marker = markerKey(key, bytes, stale.get().modified());
        try (PendingObject p = storage.create(marker)) {
            p.stream().write(Instant.now().toString().getBytes(StandardCharsets.UTF_8));
            if (!p.commitIfAbsent()) {
                removeExpiredMarkers(storage, key);
                sleep(Duration.ofMillis(100));
                return;
            }
        }
        Optional<ObjectInfo> now = storage.stat(key);
        if (now.isPresent() && now.get().modified().equals(stale.get().modified())
                && readBytes(storage, key).map(b -> Arrays.equals(b, bytes)).orElse(false)) {
            storage.delete(key);
        }
    }

    private static void removeExpiredMarkers(Storage storage, String key) throws IOException {
        Instant expired = Instant.now().minus(MARKER_EXPIRY);
        for (ObjectInfo o : storage.list(key.substring(0, key.lastIndexOf('/') + 1))) {
            if (o.key().startsWith(key + MARKER) && o.modified().isBefore(expired)) {
                storage.delete(o.key());
            }
        }
    }

    /** The marker for one stale lock: its bytes and time, since a later torn lock may have the same bytes. */
    static String markerKey(String key, byte[] bytes, Instant modified) {
        MessageDigest sha = Digests.sha256();
        sha.update(bytes);
        sha.update(modified.toString().getBytes(StandardCharsets.UTF_8));
        return key + MARKER + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private void beat() {
        while (!released) {
            sleep(HEARTBEAT);
            if (released) {
                return;
            }
            try {
                write(storage, key, new Holder(holder.host(), holder.pid(), holder.processStart(), holder.purpose(), holder.started(),
                        Instant.now()), false);
            } catch (IOException e) {
                // a missed beat only makes the lock look older; the next one tries again
            }
        }
    }

    @Override
    public void close() throws IOException {
        released = true;
        heartbeat.interrupt();
        Optional<Holder> current = read(storage, key);
        if (current.isPresent() && current.get().pid() == holder.pid() && current.get().host().equals(holder.host())) {
            storage.delete(key);
        }
    }

    private static boolean write(Storage storage, String key, Holder holder, boolean ifAbsent) throws IOException {
        try (PendingObject p = storage.create(key)) {
            p.stream().write(new JsonText().begin().field("host", holder.host()).field("pid", holder.pid())
                    .field("processStart", holder.processStart()).field("purpose", holder.purpose())
                    .field("started", holder.started()).field("heartbeat", holder.heartbeat()).end().toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (ifAbsent) {
                return p.commitIfAbsent();
            }
            p.commit();
            return true;
        }
    }

    private static Optional<byte[]> readBytes(Storage storage, String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            return Optional.of(in.readAllBytes());
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    private static Optional<Holder> read(Storage storage, String key) throws IOException {
        return readBytes(storage, key).map(RepositoryLock::parse);
    }

    /** Read and written without data binding, whose first use costs a tenth of a second of every command that locks. */
    private static Holder parse(byte[] bytes) {
        try {
            return JsonCursor.read(bytes, in -> {
                in.beginObject();
                String host = null;
                long pid = 0;
                Instant processStart = null;
                String purpose = null;
                Instant started = null;
                Instant heartbeat = null;
                for (String field = in.nextField(); field != null; field = in.nextField()) {
                    switch (field) {
                        case "host" -> host = in.text();
                        case "pid" -> pid = in.longValue();
                        case "processStart" -> processStart = in.instant();
                        case "purpose" -> purpose = in.text();
                        case "started" -> started = in.instant();
                        case "heartbeat" -> heartbeat = in.instant();
                        default -> in.skipValue();
                    }
                }
                return new Holder(host, pid, processStart, purpose, started, heartbeat);
            });
        } catch (JsonCursor.InvalidJson e) {
            // a torn or foreign lock file: treat it as held by nobody alive
            return new Holder("unknown", -1, null, "unknown", Instant.EPOCH, Instant.EPOCH);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
