package io.walden.ops.drill;

import io.walden.repo.JsonText;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestoreResult;
import io.walden.restore.Times;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One drill or restore, as the repository remembers it for the post-incident write-up.
 *
 * @param kind         "drill" or "restore"
 * @param outcome      "passed" / "failed" for a drill, "completed" for a restore
 * @param recoveredTo  the point restored to (target time, else the last replayed commit), when known
 * @param lastArchived the last archived commit the restore could have reached, when known
 * @param failed       the names of the failed checks
 * @param host         where it ran
 */
public record RecoveryEvent(String kind, String id, Instant started, Instant finished, String backup, String target,
                            Instant recoveredTo, Instant lastArchived, Double rpoSeconds, Double rtoSeconds, String outcome,
                            List<String> failed, String host) {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public RecoveryEvent {
        failed = failed == null ? List.of() : List.copyOf(failed);
    }

    /**
     * The event as stored, written by hand: data binding's first use would add a tenth of a second to the end of
     * every restore. Read back with data binding ({@link EventLog}).
     */
    public String json() {
        JsonText json = new JsonText().begin().field("kind", kind).field("id", id).field("started", started)
                .field("finished", finished).field("backup", backup).field("target", target).field("recoveredTo", recoveredTo)
                .field("lastArchived", lastArchived).field("rpoSeconds", rpoSeconds).field("rtoSeconds", rtoSeconds)
                .field("outcome", outcome).key("failed").beginArray();
        failed.forEach(json::value);
        return json.endArray().field("host", host).end().toString();
    }

    public static RecoveryEvent of(DrillReport r, String host) {
        return new RecoveryEvent("drill", r.id(), r.started(), r.finished(), r.backup(), r.target(), r.recoveredTo(),
                r.lastArchived(), r.rpoSeconds(), r.rtoSeconds(), r.passed() ? "passed" : "failed",
                r.failedChecks().stream().map(CheckResult::name).toList(), host);
    }

    /**
     * A completed restore: RTO is the restore's own time to a server accepting connections (null with --no-start),
     * RPO the recovered point against the end of the recoverable window it chose from.
     */
    public static RecoveryEvent ofRestore(RestoreResult r, Instant started, String host) {
        Instant recoveredTo = r.plan().target() instanceof RecoveryTarget.Time t ? t.at() : parse(r.lastTransaction());
        Instant lastArchived = r.plan().window() == null ? null : r.plan().window().to();
        Double rpo = recoveredTo == null || lastArchived == null ? null
                : Math.max(0, Duration.between(recoveredTo, lastArchived).toMillis()) / 1000.0;
        Double rto = r.started() ? r.elapsed().toMillis() / 1000.0 : null;
        return new RecoveryEvent("restore", ID.format(started), started, Instant.now(), r.plan().backup().id(),
                r.plan().target().describe(), recoveredTo, lastArchived, rpo, rto, "completed", List.of(), host);
    }

    private static Instant parse(String serverTime) {
        try {
            return serverTime == null ? null : Times.parse(serverTime);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** This host's name, for the record; "unknown" when the resolver cannot say. */
    public static String thisHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
