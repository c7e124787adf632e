package io.walden.restore;

import io.walden.pg.PgConnector;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.wal.WalFileName;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Before an in-place restore stops a running server, asks it to close its current WAL segment and waits
 * until that segment is in the repository: the transactions of the last minutes (the DROP TABLE the
 * operator is recovering from, say) are then in the archive, so a target just before them is reachable.
 * Best effort: if the server cannot be reached, the restore goes on with what is archived. The demo uses it to
 * put its mistake in the archive before it looks for it.
 */
public final class WalFlusher {
    private static final long WAIT_SECONDS = 30;

    private final Repository repository;
    private final PgConnector connector;
    private final Consumer<String> say;

    public WalFlusher(Repository repository, PgConnector connector, Consumer<String> say) {
        this.repository = repository;
        this.connector = connector;
        this.say = say;
    }

    /** Whether the server's current WAL is now in the repository; {@code say} is told why not. */
    public boolean flush(long segmentSize) {
        if (connector == null) {
            return false;
        }
        String segment;
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            r.next();
            segment = r.getString(1);
        } catch (Exception e) {
            say.accept("could not ask the running server to archive its current WAL (" + e.getMessage()
                    + "); restoring from what is archived");
            return false;
        }
        String key = ObjectKeys.wal(WalFileName.parse(segment).orElseThrow());
        Instant deadline = Instant.now().plusSeconds(WAIT_SECONDS);
        try {
            while (Instant.now().isBefore(deadline)) {
                if (repository.storage().stat(key).isPresent()) {
                    say.accept("archived the server's current WAL up to " + segment);
                    return true;
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            // fall through to the warning
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        say.accept("WAL segment " + segment + " did not reach the repository within " + WAIT_SECONDS
                + " s; restoring from what is archived (check archive_command)");
        return false;
    }
}
