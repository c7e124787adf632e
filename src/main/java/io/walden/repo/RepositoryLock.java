package io.walden.repo;

import io.walden.error.WaldenException;
import io.walden.storage.ObjectNotFoundException;
import io.walden.storage.PendingObject;
import io.walden.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
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
                // Remove it only if it is still the same stale lock, then race for it like everyone else.
                if (read(storage, key).filter(other::equals).isPresent()) {
                    storage.delete(key);
                }
                continue;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new WaldenException("the repository at " + repository.location() + " is locked: " + other.describe(),
                        "wait for it to finish, or pass --wait SECONDS to queue behind it");
            }
            sleep(POLL);
        }
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
            p.stream().write(Json.mapper().writeValueAsBytes(holder));
            if (ifAbsent) {
                return p.commitIfAbsent();
            }
            p.commit();
            return true;
        }
    }

    private static Optional<Holder> read(Storage storage, String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            return Optional.of(Json.mapper().readValue(in, Holder.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // a torn or foreign lock file: treat it as held by nobody alive
            return Optional.of(new Holder("unknown", -1, null, "unknown", Instant.EPOCH, Instant.EPOCH));
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
