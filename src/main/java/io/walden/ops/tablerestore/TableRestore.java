package io.walden.ops.tablerestore;

import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.ops.scratch.ScratchInstance;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgBinaries;
import io.walden.pg.ProcessResult;
import io.walden.pg.ProcessRunner;
import io.walden.repo.Repository;
import io.walden.restore.RestorePlan;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Restores one table as it was at a recovery target into a live database: a scratch instance promoted at
 * the target, the table renamed there (with its indexes, constraints and sequences) and dumped, then
 * pg_restore into the live database in one transaction, so a failure leaves it as it was. The rename happens
 * in the scratch, not in the live database, so that the live database never holds the copy under the
 * original's name, not even inside a transaction.
 */
public final class TableRestore {
    private final Repository repository;
    private final Consumer<String> say;

    public TableRestore(Repository repository, Consumer<String> say) {
        this.repository = repository;
        this.say = say;
    }

    /**
     * @param database the table's database in the backed-up cluster; empty: the database of {@code into}
     * @param newName  the copy's name (in the table's schema); empty: NAME_restored_YYYYMMDDHHMMSS
     * @param replace  drop a table of that name in the live database and restore in its place
     */
    public record Request(TableName table, Optional<String> database, ScratchInstance.Request scratch, String into,
                          Map<String, String> env, Optional<String> newName, boolean replace) {}

    /**
     * @param warnings          foreign keys recreated NOT VALID or left out, and why
     * @param originalPresent   the table still exists in the live database under its own name
     */
    public record Result(TableName table, TableName copy, String target, String backupId, String live, long rows,
                         List<String> indexes, Map<String, String> constraints, List<String> warnings,
                         List<String> primaryKey, boolean originalPresent, boolean replaced) {}

    public Result run(Request r) throws IOException, SQLException {
        // Refuse what cannot work before a scratch instance exists.
        ConnectionSettings settings = Conninfo.resolve(r.into(), r.env());
        LiveDatabase live = new LiveDatabase(settings);
        TableName copy = r.table().withName(copyName(r));
        String at = r.scratch().target().describe();
        RestorePlan plan = ScratchInstance.plan(repository, r.scratch());
        ClientTools tools = ClientTools.locate(PgBinaries.locate(plan.backup().pgMajor(), r.scratch().pgBin()));
        live.open().close();
        if (!live.schemaExists(copy.schema())) {
            throw new WaldenException("schema " + copy.schema() + " does not exist in the live " + live.describe(),
                    "create it first: CREATE SCHEMA " + TableName.quote(copy.schema()) + "; then run restore-table again");
        }
        refuseClashes(live, copy, List.of(copy.name()), r.replace());

        say.accept("starting a scratch instance at " + at + " from backup " + plan.backup().id());
        try (ScratchInstance scratch = ScratchInstance.start(repository, r.scratch(), say)) {
            String database = r.database().orElse(settings.database());
            ScratchTable source = ScratchTable.open(scratch, tools, database, likelyRoles(settings, r.env(), scratch), at);
            ScratchTable.Shape shape = source.inspect(r.table(), at);
            List<String> names = new ArrayList<>(List.of(copy.name()));
            shape.indexes().forEach(i -> names.add(TableName.childName(i.name(), r.table().name(), copy.name())));
            shape.sequences().forEach(s -> names.add(TableName.childName(s.name(), r.table().name(), copy.name())));
            refuseClashes(live, copy, names, r.replace());

            source.prepareCopy(r.table(), copy.name(), shape);
            Path dump = scratch.dir().resolve("table.dump");
            List<String> serials = shape.sequences().stream().filter(s -> !s.identity())
                    .map(s -> TableName.childName(s.name(), r.table().name(), copy.name())).toList();
            say.accept("copying " + shape.rows() + " rows of " + r.table() + " into " + copy + " in the live " + live.describe());
            source.dump(copy, serials, dump, r.scratch().timeout());
            restore(tools, live, dump, r.replace(), r.scratch().timeout().toSeconds());

            List<String> warnings = new ArrayList<>();
            for (ScratchTable.ForeignKey fk : shape.foreignKeys()) {
                String name = TableName.childName(fk.name(), r.table().name(), copy.name());
                String failed = live.addForeignKeyNotValid(copy, name, fk.definition());
                warnings.add(failed == null
                        ? "foreign key " + name + " to " + fk.references() + " recreated NOT VALID: rows whose referenced row"
                        + " is gone were kept; check them with ALTER TABLE " + copy + " VALIDATE CONSTRAINT " + TableName.quote(name)
                        : "foreign key " + fk.name() + " to " + fk.references() + " left out: " + failed.lines().findFirst().orElse(""));
            }
            LiveDatabase.Restored restored = live.describe(copy);
            boolean originalPresent = !copy.equals(r.table()) && live.tableExists(r.table());
            return new Result(r.table(), copy, at, plan.backup().id(), live.describe(), restored.rows(), restored.indexes(),
                    restored.constraints(), warnings, shape.primaryKey(), originalPresent, r.replace());
        }
    }

    private static String copyName(Request r) {
        String name = r.newName().map(String::strip).orElseGet(() -> r.table().restoredName(Instant.now()));
        if (name.isEmpty()) {
            throw new UsageException("--as is empty", "give the new table's name, e.g. --as orders_before_incident");
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > TableName.MAX_IDENTIFIER_BYTES) {
            throw new UsageException("--as " + name + " is longer than PostgreSQL's 63 bytes", "choose a shorter name");
        }
        return name;
    }

    private static void refuseClashes(LiveDatabase live, TableName copy, List<String> names, boolean replace) throws SQLException {
        List<String> clashes = live.clashes(copy.schema(), names, replace ? copy : null);
        if (clashes.isEmpty()) {
            return;
        }
        boolean tableItself = clashes.contains(copy.toString());
        if (tableItself) {
            throw new WaldenException("table " + copy + " already exists in the live " + live.describe()
                    + "; walden never overwrites it unasked", "choose another name with --as NAME, or add --replace to drop "
                    + copy + " and restore in its place (in one transaction)");
        }
        throw new WaldenException("the live " + live.describe() + " already has " + String.join(", ", clashes)
                + ", which the restored copy " + copy + " would create", "choose another name with --as NAME");
    }

    /** One transaction: with --replace the DROP and the new table commit together or not at all. */
    private static void restore(ClientTools tools, LiveDatabase live, Path dump, boolean replace, long timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of(tools.pgRestore().toString(), "--single-transaction", "--exit-on-error"));
        if (replace) {
            command.addAll(List.of("--clean", "--if-exists"));
        }
        command.addAll(List.of("-d", Conninfo.forLibpq(live.settings()), dump.toString()));
        Map<String, String> env = new HashMap<>();
        live.settings().password().ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PGAPPNAME", "walden restore-table");
        env.put("PGCONNECT_TIMEOUT", "10");
        ProcessResult result = ProcessRunner.run(command, Path.of("/"), env, java.time.Duration.ofSeconds(timeoutSeconds));
        if (!result.succeeded()) {
            throw new WaldenException("pg_restore into the live " + live.describe() + " failed, and its transaction was rolled back: "
                    + String.join(" ", result.lastLines(4)), replace
                    ? "--replace drops the table of that name first: what depends on it (another table's foreign key, a view)"
                    + " must go first, or choose another name with --as NAME"
                    : "fix the cause named above and run restore-table again");
        }
    }

    /** Roles likely to exist in the backed-up cluster: the live login's, PGUSER's, postgres, the OS user's. */
    private static List<String> likelyRoles(ConnectionSettings live, Map<String, String> env, ScratchInstance scratch) {
        Set<String> roles = new LinkedHashSet<>();
        roles.add(live.user());
        Optional.ofNullable(env.get("PGUSER")).filter(u -> !u.isBlank()).ifPresent(roles::add);
        roles.add("postgres");
        roles.add(scratch.osUser());
        return List.copyOf(roles);
    }
}
