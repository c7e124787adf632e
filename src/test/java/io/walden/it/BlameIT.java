package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted incident of every kind blame knows (DROP TABLE, TRUNCATE, DELETE of all rows, a big UPDATE, a
 * table dropped after VACUUM FULL gave it a new file, an innocent one-row DELETE): blame names each
 * transaction, ranks them by the rows lost, and the restore command it prints brings the table back exactly.
 */
class BlameIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A transaction run for the incident: its xid and the server's clock around its commit. */
    private record Tx(long xid, Instant before, Instant after) {}

    @Test
    void namesEachDestructiveTransactionAndItsUndoBringsTheTableBack() throws Exception {
        try (Scenario s = new Scenario("blame")) {
            s.pg.appendConf("autovacuum = off"); // keeps the estimates where ANALYZE put them
            for (var t : Map.of("drop_me", 5000, "truncate_me", 3000, "delete_me", 2000, "update_me", 4000,
                    "innocent", 1000, "rewritten", 2500).entrySet()) {
                s.pg.sql("CREATE TABLE " + t.getKey() + " (id int PRIMARY KEY, v text)",
                        "INSERT INTO " + t.getKey() + " SELECT g, md5(g::text) FROM generate_series(1, " + t.getValue() + ") g");
            }
            s.pg.sql("ANALYZE");
            String backup = s.backup();

            Map<String, String> sums = new HashMap<>();
            for (String t : List.of("delete_me", "truncate_me", "update_me")) {
                sums.put(t, sum(s, t));
            }
            Tx innocent = tx(s, "DELETE FROM innocent WHERE id = 1");
            Tx deleted = tx(s, "DELETE FROM delete_me");
            Tx updated = tx(s, "UPDATE update_me SET v = 'gone'");
            Tx truncated = tx(s, "TRUNCATE truncate_me");
            s.pg.sql("VACUUM FULL rewritten", "INSERT INTO rewritten SELECT g, md5(g::text) FROM generate_series(2501, 2600) g");
            Tx droppedRewritten = tx(s, "DROP TABLE rewritten");
            String dropMeSum = s.pg.queryString("SELECT md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM drop_me");
            Tx dropped = tx(s, "DROP TABLE drop_me");
            s.switchWalAndWaitArchived();

            // the whole window, worst first
            JsonNode all = JSON.readTree(s.ok("blame", "--json", "--limit", "20", "--min-rows", "1").out());
            assertThat(all.path("backup").asText()).isEqualTo(backup);
            Map<Long, JsonNode> byXid = new HashMap<>();
            List<Long> order = new ArrayList<>();
            all.path("findings").forEach(f -> {
                byXid.put(f.path("xid").asLong(), f);
                order.add(f.path("xid").asLong());
            });
            assertThat(order).as(all.toPrettyString())
                    .containsExactly(dropped.xid(), updated.xid(), truncated.xid(), droppedRewritten.xid(), deleted.xid(), innocent.xid());
            expect(byXid.get(dropped.xid()), dropped, "DROP", "public.drop_me", 5000, true, "CERTAIN");
            expect(byXid.get(updated.xid()), updated, "UPDATE", "public.update_me", 4000, false, "CERTAIN");
            expect(byXid.get(truncated.xid()), truncated, "TRUNCATE", "public.truncate_me", 3000, true, "CERTAIN");
            expect(byXid.get(droppedRewritten.xid()), droppedRewritten, "DROP", "public.rewritten", 2600, true, "FOLLOWED");
            expect(byXid.get(deleted.xid()), deleted, "DELETE", "public.delete_me", 2000, false, "CERTAIN");
            expect(byXid.get(innocent.xid()), innocent, "DELETE", "public.innocent", 1, false, "CERTAIN");

            // one table, in words, with the command that undoes it
            Cli.Result one = s.ok("blame", "--table", "public.delete_me");
            assertThat(one.out()).contains("xid " + deleted.xid() + ",", "DELETE 2000 rows from public.delete_me",
                    "--target-xid " + deleted.xid() + " --exclusive");
            assertThat(one.out()).doesNotContain("xid " + dropped.xid() + ",");
            // its second suggestion brings that table alone back next to the live one, every row: after a DELETE,
            // a TRUNCATE and an UPDATE
            assertThat(tableAlone(s, one.out(), deleted.xid(), "delete_me")).isEqualTo(sums.get("delete_me"));
            assertThat(s.count("delete_me")).as("the live table is left as it is").isZero();
            assertThat(tableAlone(s, s.ok("blame", "--table", "truncate_me").out(), truncated.xid(), "truncate_me"))
                    .isEqualTo(sums.get("truncate_me"));
            assertThat(tableAlone(s, s.ok("blame", "--table", "update_me").out(), updated.xid(), "update_me"))
                    .isEqualTo(sums.get("update_me"));

            Cli.Result followed = s.ok("blame", "--table", "rewritten");
            assertThat(followed.out()).contains("xid " + droppedRewritten.xid() + ",", "DROP TABLE public.rewritten",
                    "followed");

            // --since leaves out what committed before it
            JsonNode late = JSON.readTree(s.ok("blame", "--json", "--since", droppedRewritten.before().toString()).out());
            List<Long> lateXids = new ArrayList<>();
            late.path("findings").forEach(f -> lateXids.add(f.path("xid").asLong()));
            assertThat(lateXids).containsExactly(dropped.xid(), droppedRewritten.xid());
            // without --table, everyday changes of a few rows stay out of the way
            JsonNode big = JSON.readTree(s.ok("blame", "--json", "--limit", "20").out());
            assertThat(big.path("findings").size()).isEqualTo(5);
            assertThat(big.path("findings").toString()).doesNotContain("\"xid\":" + innocent.xid() + ",");

            // bad input: one message, the next step, a non-zero exit
            Cli.Result unknown = s.cli.run("blame", "--table", "public.never_existed");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("has a table public.never_existed", "without --table");
            Cli.Result noLimit = s.cli.run("blame", "--limit", "0");
            assertThat(noLimit.exit()).isEqualTo(2);
            assertThat(noLimit.err()).contains("--limit must be at least 1");

            // the printed command, into a scratch directory: the table is back, every row (last: the restored server
            // promotes and archives a new timeline into the repository)
            Path scratch = TestDirs.serverDir(s.base, "undo");
            int port = TestClusterPorts.free();
            String undo = undoLine(s.ok("blame", "--table", "drop_me").out(), dropped.xid());
            Cli.Result restored = s.cli.run(restoreArgs(undo, scratch.resolve("pgdata"), port));
            assertThat(restored.exit()).as(restored.toString()).isZero();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT md5(string_agg(id || ':' || v, ',' ORDER BY id)), "
                         + "(SELECT count(*) FROM pg_class WHERE relname = 'rewritten') FROM drop_me")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(dropMeSum);
                assertThat(rs.getLong(2)).as("the restore stops after the earlier DROP").isZero();
            } finally {
                new io.walden.pg.PgCtl(TestCluster.binaries(), scratch.resolve("pgdata"), s.pg.osUser())
                        .stop("immediate", java.time.Duration.ofSeconds(60));
            }
        }
    }

    private static String sum(Scenario s, String table) {
        return s.pg.queryString("SELECT md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM " + table);
    }

    /** Runs blame's "that table alone" command for {@code xid}; returns the checksum of the copy it made. */
    private static String tableAlone(Scenario s, String blameOut, long xid, String table) {
        String line = blameOut.lines().map(String::strip).filter(l -> l.startsWith("or, that table alone: ")
                && l.contains("--target-xid " + xid + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no restore-table line for xid " + xid + " in\n" + blameOut));
        List<String> words = new ArrayList<>();
        for (String w : line.substring(line.indexOf("restore-table")).split(" ")) {
            words.add(w.startsWith("'") && w.endsWith("'") ? w.substring(1, w.length() - 1) : w);
        }
        s.ok(words.toArray(String[]::new));
        String copy = s.pg.queryString("SELECT relname FROM pg_class WHERE relname LIKE '" + table + "_restored%' AND relkind = 'r'");
        return sum(s, copy);
    }

    private static Tx tx(Scenario s, String statement) throws Exception {
        try (Connection c = s.pg.connect(); Statement st = c.createStatement()) {
            Instant before = now(st);
            c.setAutoCommit(false);
            st.execute(statement);
            long xid;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                rs.next();
                xid = rs.getLong(1);
            }
            c.commit();
            c.setAutoCommit(true);
            return new Tx(xid, before, now(st));
        }
    }

    private static Instant now(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
            rs.next();
            return Instant.parse(rs.getString(1));
        }
    }

    private static void expect(JsonNode finding, Tx tx, String kind, String table, long rows, boolean estimated,
                               String attribution) {
        assertThat(finding).as("no finding for xid " + tx.xid()).isNotNull();
        Instant committed = Instant.parse(finding.path("commitTime").asText());
        assertThat(committed).isBetween(tx.before(), tx.after());
        JsonNode effect = finding.path("effects").get(0);
        assertThat(effect.path("kind").asText()).isEqualTo(kind);
        assertThat(effect.path("table").asText()).isEqualTo(table);
        assertThat(effect.path("database").asText()).isEqualTo("postgres");
        assertThat(effect.path("estimated").asBoolean()).isEqualTo(estimated);
        assertThat(effect.path("attribution").asText()).isEqualTo(attribution);
        if (estimated) {
            assertThat(effect.path("rows").asLong()).isBetween(rows * 9 / 10, rows * 11 / 10);
        } else {
            assertThat(effect.path("rows").asLong()).isEqualTo(rows);
        }
        assertThat(finding.path("undo").asText()).endsWith("--target-xid " + tx.xid() + " --exclusive");
    }

    private static String undoLine(String out, long xid) {
        return out.lines().map(String::strip).filter(l -> l.startsWith("undo: ") && l.contains("--target-xid " + xid + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no undo line for xid " + xid + " in\n" + out));
    }

    /** The printed restore command's arguments, with a real PGDATA and a port of its own. */
    private static String[] restoreArgs(String undoLine, Path pgdata, int port) {
        List<String> words = new ArrayList<>(Arrays.asList(undoLine.substring("undo: ".length()).split(" ")));
        List<String> args = new ArrayList<>(words.subList(words.indexOf("restore"), words.size()));
        args.set(args.indexOf("PGDATA"), pgdata.toString());
        args.addAll(List.of("--port", Integer.toString(port)));
        return args.toArray(String[]::new);
    }
}
