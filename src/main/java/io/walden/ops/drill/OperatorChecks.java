package io.walden.ops.drill;

import io.walden.pg.PgConnector;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Runs the operator's checks against the restored instance, each in its own connection to its database. */
final class OperatorChecks {
    private final PgConnector connector;

    OperatorChecks(PgConnector connector) {
        this.connector = connector;
    }

    CheckResult run(OperatorCheck check) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = connector.forDatabase(check.database()).open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(check.sql())) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    int type = meta.getColumnType(i);
                    if (type == Types.BOOLEAN || type == Types.BIT) {
                        Object v = r.getObject(i);
                        row.add(v == null ? null : Boolean.toString((Boolean) v));
                    } else {
                        row.add(r.getString(i));
                    }
                }
                rows.add(row);
            }
        } catch (SQLException | RuntimeException e) {
            return CheckResult.fail(check.name(), "the query failed in database " + check.database() + ": " + DataChecks.firstLine(e),
                    List.of("sql: " + check.sql()));
        }
        Expectation.Verdict v = Expectation.compare(check.expect(), rows);
        List<String> details = List.of("database: " + check.database(), "sql: " + check.sql(), "expected: " + v.expected(),
                "actual: " + v.actual());
        return v.met() ? CheckResult.pass(check.name(), "got " + v.actual(), details)
                : CheckResult.fail(check.name(), "expected " + v.expected() + ", got " + v.actual(), details);
    }
}
