package io.walden.backup;

import io.walden.repo.Manifest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a backup is full or incremental, and against which parent. An incremental backup is
 * taken against the newest backup; a new full one starts a chain when the newest full is older than
 * {@code fullEvery} or the chain already has {@code maxChain} incremental backups, because every link
 * is one more backup a restore needs intact.
 */
public final class BackupKind {

    public enum Requested { FULL, INCR, AUTO }

    /** The decision, and why, in words for the operator. */
    public record Decision(Optional<Manifest> parent, String reason) {
        public boolean incremental() {
            return parent.isPresent();
        }
    }

    private BackupKind() {
    }

    /** @param backups the repository's complete backups, oldest first */
    public static Decision decide(Requested requested, List<Manifest> backups, Instant now, Duration fullEvery, int maxChain) {
        if (requested == Requested.FULL) {
            return full("requested");
        }
        if (backups.isEmpty()) {
            return full("the repository has no backup to build on");
        }
        Manifest newest = backups.get(backups.size() - 1);
        Map<String, Manifest> byId = new HashMap<>();
        backups.forEach(b -> byId.put(b.id(), b));
        Optional<Manifest> root = fullOf(newest, byId);
        if (root.isEmpty()) {
            return full("backup " + newest.id() + " depends on a backup that is gone");
        }
        int chain = chainLength(newest, byId);
        if (chain >= maxChain) {
            return full("the chain since full backup " + root.get().id() + " already has " + chain
                    + " incremental backups (--max-chain " + maxChain + ")");
        }
        if (requested == Requested.AUTO && root.get().stopTime().isBefore(now.minus(fullEvery))) {
            return full("the newest full backup, " + root.get().id() + ", ended longer ago than --full-every");
        }
        return new Decision(Optional.of(newest), "against " + newest.id());
    }

    private static Decision full(String reason) {
        return new Decision(Optional.empty(), reason);
    }

    /** The full backup a backup's chain starts from; empty when a link is missing. */
    public static Optional<Manifest> fullOf(Manifest backup, Map<String, Manifest> byId) {
        Manifest m = backup;
        for (int guard = 0; guard <= byId.size(); guard++) {
            if (!m.incremental()) {
                return Optional.of(m);
            }
            m = byId.get(m.parent());
            if (m == null) {
                return Optional.empty();
            }
        }
        return Optional.empty(); // a cycle: only a damaged repository has one
    }

    static int chainLength(Manifest backup, Map<String, Manifest> byId) {
        int n = 0;
        Manifest m = backup;
        while (m != null && m.incremental() && n <= byId.size()) {
            n++;
            m = byId.get(m.parent());
        }
        return n;
    }
}
