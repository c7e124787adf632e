package io.walden.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the recovery settings into the restored PGDATA: recovery.signal, and a block at the end of
 * postgresql.auto.conf. Settings from an earlier restore that the backup carried along are commented
 * out, so an old recovery_target_time can never apply to this recovery.
 */
public final class RecoveryConfig {
    static final String MARK = "# walden restore:";
    private static final Set<String> MANAGED_PREFIXES = Set.of("restore_command", "recovery_target");

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final String description;

    public RecoveryConfig(String description) {
        this.description = description;
    }

    public RecoveryConfig set(String name, String value) {
        settings.put(name, value);
        return this;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public static RecoveryConfig forTarget(RecoveryTarget target, boolean exclusive, String action, String restoreCommand,
                                           String timeline, String description) {
        RecoveryConfig c = new RecoveryConfig(description);
        c.set("restore_command", restoreCommand);
        switch (target) {
            case RecoveryTarget.Latest l -> { }
            case RecoveryTarget.Immediate i -> c.set("recovery_target", "immediate");
            case RecoveryTarget.Time t -> c.set("recovery_target_time", Times.forPostgres(t.at()));
            case RecoveryTarget.AtLsn l -> c.set("recovery_target_lsn", l.lsn().toString());
            case RecoveryTarget.Xid x -> c.set("recovery_target_xid", Long.toString(x.xid()));
            case RecoveryTarget.Name n -> c.set("recovery_target_name", n.name());
        }
        if (!(target instanceof RecoveryTarget.Latest)) {
            if (!(target instanceof RecoveryTarget.Immediate)) {
                c.set("recovery_target_inclusive", exclusive ? "false" : "true");
            }
            c.set("recovery_target_action", action);
        }
        c.set("recovery_target_timeline", timeline);
        return c;
    }

    public void writeTo(Path pgdata) throws IOException {
        Path auto = pgdata.resolve("postgresql.auto.conf");
        List<String> lines = Files.exists(auto) ? Files.readAllLines(auto, StandardCharsets.UTF_8) : new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String key = line.strip().split("[\\s=]", 2)[0].toLowerCase(Locale.ROOT);
            if (line.startsWith(MARK)) {
                continue;
            }
            if (settings.containsKey(key) || MANAGED_PREFIXES.stream().anyMatch(key::startsWith)) {
                out.add("# " + line + "  # replaced by walden restore");
            } else {
                out.add(line);
            }
        }
        out.add(MARK + " " + description);
        // quoted as ALTER SYSTEM does: the config parser reads backslashes as escapes
        settings.forEach((k, v) -> out.add(k + " = '" + v.replace("\\", "\\\\").replace("'", "''") + "'"));
        Files.write(auto, out, StandardCharsets.UTF_8);
        Files.write(pgdata.resolve("recovery.signal"), new byte[0]);
    }
}
