package io.walden.backup;

import io.walden.error.WaldenException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a backup needs to know about the running server before it starts. */
public record ServerFacts(int versionNum, String version, long systemIdentifier, Path dataDirectory,
                          long walSegmentSize, String walLevel, String archiveMode, String archiveCommand,
                          boolean inRecovery) {

    public int major() {
        return versionNum / 10000;
    }

    public static ServerFacts read(Connection c) {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("""
                     SELECT current_setting('server_version_num')::int,
                            current_setting('server_version'),
                            (SELECT system_identifier FROM pg_control_system())::text,
                            current_setting('data_directory'),
                            (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size')::bigint,
                            current_setting('wal_level'),
                            current_setting('archive_mode'),
                            current_setting('archive_command'),
                            pg_is_in_recovery()""")) {
            r.next();
            return new ServerFacts(r.getInt(1), r.getString(2), Long.parseUnsignedLong(r.getString(3)),
                    Path.of(r.getString(4)), r.getLong(5), r.getString(6), r.getString(7), r.getString(8), r.getBoolean(9));
        } catch (SQLException e) {
            throw new WaldenException("cannot read the server's settings: " + e.getMessage(),
                    "connect as a superuser or a role with pg_read_all_settings and pg_monitor");
        }
    }
}
