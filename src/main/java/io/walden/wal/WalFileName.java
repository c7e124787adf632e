package io.walden.wal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a file PostgreSQL archives or asks for: a segment ("000000010000000A0000003F"), a partial
 * segment left behind at a timeline switch (".partial"), a timeline history file ("00000002.history") or
 * a backup history file ("...00000028.backup").
 */
public record WalFileName(String name, Kind kind, int timeline) {
    public enum Kind { SEGMENT, PARTIAL, HISTORY, BACKUP_HISTORY }

    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final Pattern PARTIAL = Pattern.compile("([0-9A-F]{8})[0-9A-F]{16}\\.partial");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");
    private static final Pattern BACKUP = Pattern.compile("([0-9A-F]{8})[0-9A-F]{16}\\.[0-9A-F]{8}\\.backup");

    public static Optional<WalFileName> parse(String name) {
        Matcher m;
        if ((m = SEGMENT.matcher(name)).matches()) {
            return Optional.of(new WalFileName(name, Kind.SEGMENT, Integer.parseUnsignedInt(m.group(1), 16)));
        }
        if ((m = PARTIAL.matcher(name)).matches()) {
            return Optional.of(new WalFileName(name, Kind.PARTIAL, Integer.parseUnsignedInt(m.group(1), 16)));
        }
        if ((m = HISTORY.matcher(name)).matches()) {
            return Optional.of(new WalFileName(name, Kind.HISTORY, Integer.parseUnsignedInt(m.group(1), 16)));
        }
        if ((m = BACKUP.matcher(name)).matches()) {
            return Optional.of(new WalFileName(name, Kind.BACKUP_HISTORY, Integer.parseUnsignedInt(m.group(1), 16)));
        }
        return Optional.empty();
    }

    /** The segment a segment-like name (segment, partial, backup history) belongs to. */
    public Optional<SegmentName> segment(long segmentSize) {
        return kind == Kind.HISTORY ? Optional.empty() : Optional.of(SegmentName.parse(name.substring(0, 24), segmentSize));
    }
}
