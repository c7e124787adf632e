package io.walden.ops.blame;

import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A committed transaction that destroyed rows: its commit (where a restore has to stop just before) and
 * its effects, largest first.
 */
public record Finding(long xid, Instant commitTime, Lsn commitLsn, int timeline, List<Effect> effects) {

    /** Larger loss first; DROP and TRUNCATE before a DELETE of as many rows; later first on a tie. */
    static final Comparator<Finding> WORST_FIRST = Comparator.comparingLong(Finding::rows).reversed()
            .thenComparing(f -> f.effects().get(0).kind())
            .thenComparing(Finding::commitLsn, Comparator.reverseOrder());

    public Finding {
        effects = effects.stream().sorted(Comparator.comparingLong(Effect::rows).reversed()
                .thenComparing(Effect::kind)).toList();
    }

    /** The rows all effects took away. */
    public long rows() {
        return effects.stream().mapToLong(Effect::rows).sum();
    }

    /** The least sure attribution among the effects. */
    public Attribution attribution() {
        return effects.stream().map(Effect::attribution).reduce(Attribution.CERTAIN, Attribution::weaker);
    }

    Finding only(String database, long tableOid) {
        return new Finding(xid, commitTime, commitLsn, timeline, effects.stream()
                .filter(e -> e.database().equals(database) && e.tableOid() == tableOid).toList());
    }
}
