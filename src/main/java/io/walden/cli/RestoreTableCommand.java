package io.walden.cli;

import io.walden.ops.scratch.ScratchInstance;
import io.walden.ops.tablerestore.TableName;
import io.walden.ops.tablerestore.TableRestore;
import io.walden.repo.Json;
import io.walden.restore.RecoveryTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** walden restore-table. */
@Command(name = "restore-table", description = {
        "Restore one table, with its indexes and constraints, as it was at the target into a live database, under a new",
        "name unless --replace: through a scratch instance promoted at the target, removed afterwards, and pg_dump/pg_restore.",
        "Its foreign keys to other tables come back NOT VALID, so the rows come back even when the rows they point to are gone."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main restore-table --table public.orders --target-time '2026-02-13 14:30:00 UTC' \\",
                "      --into 'host=127.0.0.1 port=5432 dbname=shop user=postgres'",
                "  walden --repo /backups/main restore-table --table public.orders --target-xid 7431 --exclusive \\",
                "      --into postgresql://postgres@127.0.0.1/shop --as orders --replace"})
final class RestoreTableCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--table", required = true, paramLabel = "SCHEMA.NAME", description = "The table to restore; it may no longer exist.")
    String table;

    @Option(names = "--database", paramLabel = "DB", description = "The table's database in the backup (default: the database of --into).")
    String database;

    @Mixin
    RecoveryPointOptions point = new RecoveryPointOptions();

    @Option(names = "--into", required = true, paramLabel = "CONNINFO",
            description = "The live database: 'host=H port=P dbname=DB user=U' or postgresql://U@H:P/DB (PGPASSWORD for the password).")
    String into;

    @Option(names = "--as", paramLabel = "NAME", description = "The restored table's name, in its schema (default: NAME_restored_YYYYMMDDHHMMSS).")
    String as;

    @Option(names = "--replace", description = "Drop a table of that name in the live database and restore in its place, in one transaction.")
    boolean replace;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "How long recovery, dump and restore may each take (default 60).")
    long timeoutMinutes;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory with pg_ctl, postgres, pg_dump and pg_restore (env WALDEN_PG_BIN).")
    Path pgBin;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        RecoveryTarget recoveryTarget = point.recoveryTarget();
        Optional<String> backupId = point.backupId(ctx.repository());
        ScratchInstance.Request scratch = new ScratchInstance.Request(recoveryTarget, point.exclusive, backupId, Optional.ofNullable(pgBin),
                Duration.ofMinutes(timeoutMinutes), ctx.waldenWithRepo(ctx.repo, "wal-fetch %f %p"));
        TableRestore.Request request = new TableRestore.Request(TableName.parse(table), Optional.ofNullable(database), scratch, into,
                ctx.env(), Optional.ofNullable(as), replace);
        TableRestore.Result r = new TableRestore(ctx.repository(), line -> {
            if (!ctx.json) {
                ctx.err().println(line);
            }
        }).run(request);
        if (ctx.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("table", r.table().toString());
            out.put("restoredAs", r.copy().toString());
            out.put("target", r.target());
            out.put("backup", r.backupId());
            out.put("rows", r.rows());
            out.put("indexes", r.indexes());
            out.put("constraints", r.constraints());
            out.put("warnings", r.warnings());
            out.put("replaced", r.replaced());
            ctx.out().println(Json.mapper().writeValueAsString(out));
            return 0;
        }
        print(ctx.out(), r);
        return 0;
    }

    private static void print(PrintStream out, TableRestore.Result r) {
        out.println("restored " + r.table() + " as it was at " + r.target() + " (backup " + r.backupId() + ") into " + r.copy()
                + (r.replaced() ? ", replacing the table of that name" : ""));
        out.println("  rows         " + r.rows());
        out.println("  live         " + r.live());
        out.println("  indexes      " + (r.indexes().isEmpty() ? "none" : String.join(", ", r.indexes())));
        out.println("  constraints  " + (r.constraints().isEmpty() ? "none" : String.join(", ",
                r.constraints().entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList())));
        r.warnings().forEach(w -> out.println("warning: " + w));
        String copy = r.copy().toString();
        if (r.copy().equals(r.table())) {
            out.println("next: check the rows: SELECT count(*) FROM " + copy);
        } else if (!r.originalPresent()) {
            out.println("next: " + r.table() + " does not exist in the live database; to put the copy in its place:");
            out.println("  ALTER TABLE " + copy + " RENAME TO " + quoteIfNeeded(r.table().name()));
        } else {
            String key = r.primaryKey().isEmpty() ? null : String.join(", ", r.primaryKey());
            out.println("next: compare " + copy + " with " + r.table() + ", then copy back the rows that are missing, e.g.");
            out.println(key == null
                    ? "  INSERT INTO " + r.table() + " SELECT * FROM " + copy + " EXCEPT SELECT * FROM " + r.table() + ";"
                    : "  INSERT INTO " + r.table() + " SELECT * FROM " + copy + " WHERE (" + key + ") NOT IN (SELECT " + key
                    + " FROM " + r.table() + ");");
            out.println("  and drop the copy when done: DROP TABLE " + copy + ";");
        }
    }

    private static String quoteIfNeeded(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
