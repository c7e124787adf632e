package io.walden.it;

import io.walden.pg.PgConnector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * walden restore-table against real PostgreSQL: a dropped table comes back next to the live tables with its
 * rows, indexes and constraints, its foreign key NOT VALID; nothing else in the live database changes; a name
 * in use is refused without --replace and replaced in one transaction with it; bad input leaves nothing.
 */
class RestoreTableIT {
    private static final Pattern RESTORED_AS = Pattern.compile("into (public\\.a_restored_\\d{14})\\n");
    private static final String ROWS_A = "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM %s t";

    @Test
    void bringsBackADroppedTableWithItsIndexesWithoutTouchingTheOthers() throws Exception {
        try (Scenario s = new Scenario("rtable")) {
            s.pg.sql("CREATE DATABASE app");
            sql(s, "CREATE TABLE b (id int PRIMARY KEY, label text)",
                    "INSERT INTO b SELECT g, 'b' || g FROM generate_series(1, 50) g",
                    "CREATE TABLE a (id serial PRIMARY KEY, email text NOT NULL UNIQUE, b_id int REFERENCES b (id),"
                            + " amount numeric CHECK (amount >= 0), note text)",
                    "CREATE INDEX a_amount_idx ON a (amount)",
                    "INSERT INTO a (email, b_id, amount, note) SELECT 'u' || g || '@x', 1 + g % 50, g * 1.5, repeat('n', g % 7)"
                            + " FROM generate_series(1, 1000) g",
                    "CREATE TABLE c (id int PRIMARY KEY, v text)",
                    "INSERT INTO c SELECT g, md5(g::text) FROM generate_series(1, 300) g");
            s.backup();
            sql(s, "UPDATE a SET note = 'changed after the backup' WHERE id <= 100",
                    "INSERT INTO a (email, b_id, amount) VALUES ('late@x', 7, 1)");
            String rowsBefore = query(s, ROWS_A.formatted("a"));
            long countBefore = Long.parseLong(query(s, "SELECT count(*) FROM a"));
            Scenario.pause(300);
            String beforeDrop = s.serverNow();
            Scenario.pause(300);
            // b 7 goes away with a: the restored rows pointing at it have no referenced row in the live database
            long dropXid = dropInOneTransaction(s, "DROP TABLE a", "DELETE FROM b WHERE id = 7");
            sql(s, "INSERT INTO c VALUES (301, 'after the drop')");
            s.switchWalAndWaitArchived();
            String bSum = query(s, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM b t");
            String cSum = query(s, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM c t");
            String into = "host=127.0.0.1 port=" + s.pg.port() + " dbname=app user=postgres";
            Set<Path> scratchBefore = scratchDirs();

            Cli.Result r = s.cli.run("restore-table", "--table", "public.a", "--target-time", beforeDrop, "--into", into);
            assertThat(r.exit()).as(r.toString()).isZero();
            Matcher m = RESTORED_AS.matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            String copy = m.group(1);
            String suffix = copy.substring("public.a".length());
            assertThat(query(s, ROWS_A.formatted(copy))).as("the rows as they were before the DROP").isEqualTo(rowsBefore);
            assertThat(r.out()).contains("restored public.a as it was at time ")
                    .contains("  rows         " + countBefore + "\n")
                    .contains("a" + suffix + "_pkey", "a" + suffix + "_email_key", "a" + suffix + "_amount_idx")
                    .contains("a" + suffix + "_b_id_fkey (foreign key NOT VALID)")
                    .contains("warning: foreign key a" + suffix + "_b_id_fkey to public.b recreated NOT VALID")
                    .contains("next: public.a does not exist in the live database")
                    .contains("ALTER TABLE " + copy + " RENAME TO a");
            assertThat(indexes(s, copy)).containsExactlyInAnyOrder("a" + suffix + "_pkey", "a" + suffix + "_email_key",
                    "a" + suffix + "_amount_idx");
            assertThat(query(s, "SELECT convalidated::text FROM pg_constraint WHERE conname = 'a" + suffix + "_b_id_fkey'"))
                    .isEqualTo("false");
            assertThat(query(s, "SELECT count(*) FROM " + copy + " WHERE b_id = 7")).as("rows whose b row is gone").isNotEqualTo("0");
            // the serial column's sequence came along, renamed, and goes on after the restored ids (replay may skip
            // ahead: PostgreSQL logs sequence values in advance)
            assertThat(Long.parseLong(query(s, "SELECT nextval('a" + suffix + "_id_seq')")))
                    .isGreaterThan(Long.parseLong(query(s, "SELECT max(id) FROM " + copy)));
            assertThat(query(s, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM b t")).isEqualTo(bSum);
            assertThat(query(s, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM c t")).isEqualTo(cSum);
            assertThat(scratchDirs()).isEqualTo(scratchBefore);
            assertThat(scratchProcesses()).isEmpty();

            // the name is taken now: refused, and the copy is left as it is
            sql(s, "DELETE FROM " + copy + " WHERE id > 10");
            String shrunk = query(s, ROWS_A.formatted(copy));
            Cli.Result taken = s.cli.run("restore-table", "--table", "public.a", "--target-xid", Long.toString(dropXid), "--exclusive",
                    "--into", into, "--as", copy.substring("public.".length()));
            assertThat(taken.exit()).as(taken.toString()).isEqualTo(1);
            assertThat(taken.err()).contains("walden: table " + copy + " already exists in the live database app at 127.0.0.1:"
                    + s.pg.port() + " as postgres; walden never overwrites it unasked")
                    .contains("HINT: choose another name with --as NAME, or add --replace");
            assertThat(query(s, ROWS_A.formatted(copy))).isEqualTo(shrunk);
            assertThat(scratchDirs()).isEqualTo(scratchBefore);

            // with --replace, with the command blame prints: just before the DROP's commit, whose lock promotion releases
            String suggested = s.ok("blame", "--table", "public.a").out().lines().map(String::strip)
                    .filter(l -> l.startsWith("or, that table alone: ")).findFirst().orElseThrow();
            assertThat(suggested).endsWith(" restore-table --table public.a --target-xid " + dropXid + " --exclusive --into dbname=app");
            List<String> args = new ArrayList<>(List.of(suggested.substring(suggested.indexOf(" restore-table ") + 1).split(" ")));
            args.addAll(List.of("--as", copy.substring("public.".length()), "--replace"));
            Cli.Result replaced = s.cli.run(args.toArray(String[]::new));
            assertThat(replaced.exit()).as(replaced.toString()).isZero();
            assertThat(replaced.out()).contains("replacing the table of that name");
            assertThat(query(s, ROWS_A.formatted(copy))).isEqualTo(rowsBefore);
            assertThat(indexes(s, copy)).hasSize(3);
            assertThat(query(s, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM c t")).isEqualTo(cSum);
            assertThat(scratchDirs()).isEqualTo(scratchBefore);
            assertThat(scratchProcesses()).isEmpty();
        }
    }

    @Test
    void badInputIsRefusedAndLeavesNothing() throws Exception {
        try (Scenario s = new Scenario("rtable-bad")) {
            s.pg.sql("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            s.backup();
            s.pg.sql("INSERT INTO t VALUES (2)");
            Scenario.pause(300);
            String now = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("INSERT INTO t VALUES (3)");
            s.switchWalAndWaitArchived();
            String into = "host=127.0.0.1 port=" + s.pg.port() + " dbname=postgres user=postgres";
            Set<Path> scratchBefore = scratchDirs();
            List<String> tablesBefore = tables(s);

            Cli.Result missing = s.cli.run("restore-table", "--table", "public.nope", "--target-time", now, "--into", into);
            assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
            assertThat(missing.err()).contains("walden: table public.nope did not exist in database postgres at time ")
                    .contains("HINT: check the name, and pick a target before the table was dropped: walden blame --table public.nope");
            assertThat(scratchDirs()).isEqualTo(scratchBefore);
            assertThat(scratchProcesses()).isEmpty();

            int closed;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = socket.getLocalPort();
            }
            Cli.Result unreachable = s.cli.run("restore-table", "--table", "public.t", "--target-time", now,
                    "--into", "host=127.0.0.1 port=" + closed + " dbname=postgres user=postgres");
            assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(1);
            assertThat(unreachable.err()).contains("walden: cannot reach the live database postgres at 127.0.0.1:" + closed
                    + " as postgres (--into): ").contains("HINT: check --into");

            Cli.Result taken = s.cli.run("restore-table", "--table", "public.t", "--target-time", now, "--into", into, "--as", "t");
            assertThat(taken.exit()).as(taken.toString()).isEqualTo(1);
            assertThat(taken.err()).contains("walden: table public.t already exists in the live database postgres");

            Cli.Result noTarget = s.cli.run("restore-table", "--table", "public.t", "--into", into);
            assertThat(noTarget.exit()).as(noTarget.toString()).isEqualTo(2);
            assertThat(noTarget.err()).contains("walden: a scratch instance needs a target");

            Cli.Result badInto = s.cli.run("restore-table", "--table", "public.t", "--target-time", now, "--into", "host 127.0.0.1");
            assertThat(badInto.exit()).as(badInto.toString()).isEqualTo(2);
            assertThat(badInto.err()).contains("walden: --into: expected keyword=value at 'host 127.0.0.1'")
                    .contains("HINT: give --into 'host=HOST port=PORT dbname=DB user=USER'");

            assertThat(scratchDirs()).isEqualTo(scratchBefore);
            assertThat(scratchProcesses()).isEmpty();
            assertThat(tables(s)).isEqualTo(tablesBefore);
        }
    }

    private static long dropInOneTransaction(Scenario s, String... statements) throws SQLException {
        try (Connection c = app(s); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long xid;
            try (ResultSet r = st.executeQuery("SELECT txid_current()")) {
                r.next();
                xid = r.getLong(1);
            }
            for (String statement : statements) {
                st.execute(statement);
            }
            c.commit();
            return xid;
        }
    }

    private static Connection app(Scenario s) {
        return new PgConnector(s.pg.connectionSettings().withDatabase("app")).open();
    }

    private static void sql(Scenario s, String... statements) throws SQLException {
        try (Connection c = app(s); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private static String query(Scenario s, String sql) throws SQLException {
        try (Connection c = app(s); Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static List<String> indexes(Scenario s, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = app(s); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = '" + table + "'::regclass")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private static List<String> tables(Scenario s) {
        return List.of(s.pg.queryString("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace"));
    }

    /** Scratch directories under the temp directory, which a finished restore-table must have removed. */
    private static Set<Path> scratchDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("walden-scratch-")).collect(Collectors.toSet());
        }
    }

    /** Server processes of a scratch instance (their title names the cluster), alive and not zombies. */
    private static List<String> scratchProcesses() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    String stat = Files.readString(p.resolve("stat"));
                    if (cmd.contains("walden-scratch") && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        out.add(p.getFileName() + " " + cmd);
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return out;
    }
}
