package io.walden.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of a "0000000N.history" file: for each ancestor timeline, the location where timeline N's
 * lineage left it. A timeline without a history file (timeline 1) has no ancestors.
 */
public record TimelineHistory(int timeline, List<Switch> ancestors) {

    /** Timeline {@code parent} was left at {@code switchLsn}: its WAL at or after that point is not ours. */
    public record Switch(int parent, Lsn switchLsn) {}

    public TimelineHistory {
        ancestors = List.copyOf(ancestors);
    }

    /** The name of timeline {@code timeline}'s history file, e.g. "00000002.history". */
    public static String fileName(int timeline) {
        return String.format("%08X.history", timeline);
    }

    public static TimelineHistory root(int timeline) {
        return new TimelineHistory(timeline, List.of());
    }

    public static TimelineHistory parse(int timeline, String content) {
        List<Switch> list = new ArrayList<>();
        for (String raw : content.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                continue;
            }
            list.add(new Switch(Integer.parseInt(f[0]), Lsn.parse(f[1])));
        }
        return new TimelineHistory(timeline, list);
    }

    /**
     * Whether WAL of timeline {@code tli} up to {@code lsn} lies on this timeline's lineage, i.e. a backup
     * taken on {@code tli} and consistent at {@code lsn} can be replayed into this timeline.
     */
    public boolean contains(int tli, Lsn lsn) {
        if (tli == timeline) {
            return true;
        }
        for (Switch s : ancestors) {
            if (s.parent() == tli) {
                return lsn.compareTo(s.switchLsn()) <= 0;
            }
        }
        return false;
    }

    /** The timeline whose WAL holds location {@code lsn} on this lineage. */
    public int timelineAt(Lsn lsn) {
        for (Switch s : ancestors) {
            if (lsn.isBefore(s.switchLsn())) {
                return s.parent();
            }
        }
        return timeline;
    }
}
