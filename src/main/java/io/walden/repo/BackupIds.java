package io.walden.repo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;

/** Backup ids are the UTC start time, "20260213T143000Z", sortable and readable at a glance. */
public final class BackupIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private BackupIds() {
    }

    public static String next(Instant start, Collection<String> taken) {
        String base = FORMAT.format(start);
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
