package io.walden.ops;

import io.walden.repo.Manifest;

import java.util.LinkedHashMap;
import java.util.Map;

/** A backup as 'backup --json', 'list --json' and the daemon's /api/backups show it: the manifest without its files. */
public final class BackupSummary {
    private BackupSummary() {
    }

    public static Map<String, Object> of(Manifest m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", m.id());
        s.put("label", m.label());
        s.put("type", m.incremental() ? Manifest.INCREMENTAL : Manifest.FULL);
        s.put("parent", m.parent());
        s.put("startTime", m.startTime());
        s.put("stopTime", m.stopTime());
        s.put("startLsn", m.startLsn());
        s.put("stopLsn", m.stopLsn());
        s.put("timeline", m.timeline());
        s.put("startSegment", m.startSegment());
        s.put("stopSegment", m.stopSegment());
        s.put("originalSize", m.originalSize());
        s.put("storedSize", m.storedSize());
        s.put("pgVersionNum", m.pgVersionNum());
        s.put("files", m.files().size());
        return s;
    }
}
