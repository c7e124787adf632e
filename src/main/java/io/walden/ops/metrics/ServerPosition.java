package io.walden.ops.metrics;

import io.walden.pg.PgConnector;
import io.walden.wal.Lsn;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Supplier;

/** The server's newest WAL position (the received one on a standby); empty when the server cannot be reached. */
public final class ServerPosition implements Supplier<Optional<Lsn>> {
    private final PgConnector connector;

    public ServerPosition(PgConnector connector) {
        this.connector = connector;
    }

    @Override
    public Optional<Lsn> get() {
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()"
                     + " ELSE pg_current_wal_lsn() END)::text")) {
            return r.next() && r.getString(1) != null ? Optional.of(Lsn.parse(r.getString(1))) : Optional.empty();
        } catch (Exception e) {
            // a lag in bytes is a nicety; the server being down is reported by streaming and by 'walden check'
            return Optional.empty();
        }
    }
}
