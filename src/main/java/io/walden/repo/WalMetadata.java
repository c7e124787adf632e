package io.walden.repo;

import io.walden.wal.Lsn;
import io.walden.wal.decode.RestorePoint;
import io.walden.wal.decode.SegmentEnd;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The header metadata of a WAL object: its name and, for segments, the decoded summary (LSNs, commit
 * times, restore point names). It sits in the header, readable without the key, so that status and
 * restore planning need a few hundred bytes per segment, not the segment.
 *
 * <p>Written by hand rather than by Jackson: wal-push runs once per segment in a fresh JVM, where setting up
 * Jackson's serializers cost more than the rest of the push. The text is what Jackson writes for this record
 * (a test holds the two equal), and it is read back token by token ({@link #parse}) for the same reason.
 */
public record WalMetadata(String type, String name, SegmentSummary summary) {

    public static String json(String name, Optional<SegmentSummary> summary) {
        JsonText json = new JsonText().begin().field("type", "wal").field("name", name).key("summary");
        if (summary.isEmpty()) {
            json.nullValue();
        } else {
            SegmentSummary s = summary.get();
            json.begin().field("pgMajor", s.pgMajor()).field("systemIdentifier", s.systemIdentifier())
                    .field("segmentSize", s.segmentSize()).field("timeline", s.timeline()).field("segmentStart", s.segmentStart())
                    .field("records", s.records()).field("firstRecord", s.firstRecord()).field("lastRecord", s.lastRecord())
                    .field("lastRecordEnd", s.lastRecordEnd()).field("firstCommitTime", s.firstCommitTime())
                    .field("lastCommitTime", s.lastCommitTime()).field("commits", s.commits()).field("aborts", s.aborts())
                    .key("restorePoints").beginArray();
            for (RestorePoint p : s.restorePoints()) {
                json.begin().field("lsn", p.lsn()).field("end", p.end()).field("time", p.time()).field("name", p.name()).end();
            }
            json.endArray().field("checkpoints", s.checkpoints()).field("endsWithSwitch", s.endsWithSwitch())
                    .field("crcValid", s.crcValid()).field("badCrc", s.badCrc()).key("end").begin()
                    .field("reason", s.end().reason().name()).field("lsn", s.end().lsn()).field("detail", s.end().detail())
                    .end().end();
        }
        return json.end().toString();
    }

    /** The metadata of an object, or empty when it has none walden understands (older objects). */
    public static Optional<WalMetadata> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonCursor.read(json.getBytes(StandardCharsets.UTF_8), in -> {
                in.beginObject();
                return metadata(in);
            }));
        } catch (JsonCursor.InvalidJson e) {
            return Optional.empty();
        }
    }

    // read token by token (JsonCursor): a restore's plan and every status read some of these first thing

    private static WalMetadata metadata(JsonCursor in) throws IOException, JsonCursor.InvalidJson {
        String type = null;
        String name = null;
        SegmentSummary summary = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "type" -> type = in.text();
                case "name" -> name = in.text();
                case "summary" -> summary = in.object(WalMetadata::summary);
                default -> in.skipValue();
            }
        }
        return new WalMetadata(type, name, summary);
    }

    private static SegmentSummary summary(JsonCursor in) throws IOException, JsonCursor.InvalidJson {
        int pgMajor = 0;
        String systemIdentifier = null;
        long segmentSize = 0;
        int timeline = 0;
        Lsn segmentStart = null;
        long records = 0;
        Lsn firstRecord = null;
        Lsn lastRecord = null;
        Lsn lastRecordEnd = null;
        Instant firstCommitTime = null;
        Instant lastCommitTime = null;
        int commits = 0;
        int aborts = 0;
        List<RestorePoint> restorePoints = List.of();
        int checkpoints = 0;
        boolean endsWithSwitch = false;
        boolean crcValid = false;
        Lsn badCrc = null;
        SegmentEnd end = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "pgMajor" -> pgMajor = in.intValue();
                case "systemIdentifier" -> systemIdentifier = in.text();
                case "segmentSize" -> segmentSize = in.longValue();
                case "timeline" -> timeline = in.intValue();
                case "segmentStart" -> segmentStart = in.lsn();
                case "records" -> records = in.longValue();
                case "firstRecord" -> firstRecord = in.lsn();
                case "lastRecord" -> lastRecord = in.lsn();
                case "lastRecordEnd" -> lastRecordEnd = in.lsn();
                case "firstCommitTime" -> firstCommitTime = in.instant();
                case "lastCommitTime" -> lastCommitTime = in.instant();
                case "commits" -> commits = in.intValue();
                case "aborts" -> aborts = in.intValue();
                case "restorePoints" -> restorePoints = in.list(WalMetadata::restorePoint);
                case "checkpoints" -> checkpoints = in.intValue();
                case "endsWithSwitch" -> endsWithSwitch = in.bool();
                case "crcValid" -> crcValid = in.bool();
                case "badCrc" -> badCrc = in.lsn();
                case "end" -> end = in.object(WalMetadata::end);
                default -> in.skipValue();
            }
        }
        return new SegmentSummary(pgMajor, systemIdentifier, segmentSize, timeline, segmentStart, records, firstRecord,
                lastRecord, lastRecordEnd, firstCommitTime, lastCommitTime, commits, aborts, restorePoints, checkpoints,
                endsWithSwitch, crcValid, badCrc, end);
    }

    private static RestorePoint restorePoint(JsonCursor in) throws IOException, JsonCursor.InvalidJson {
        Lsn lsn = null;
        Lsn end = null;
        Instant time = null;
        String name = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "lsn" -> lsn = in.lsn();
                case "end" -> end = in.lsn();
                case "time" -> time = in.instant();
                case "name" -> name = in.text();
                default -> in.skipValue();
            }
        }
        return new RestorePoint(lsn, end, time, name);
    }

    private static SegmentEnd end(JsonCursor in) throws IOException, JsonCursor.InvalidJson {
        SegmentEnd.Reason reason = null;
        Lsn lsn = null;
        String detail = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "reason" -> {
                    String r = in.text();
                    try {
                        reason = r == null ? null : SegmentEnd.Reason.valueOf(r);
                    } catch (IllegalArgumentException e) {
                        throw in.invalid("'" + r + "' is not a reason decoding stopped");
                    }
                }
                case "lsn" -> lsn = in.lsn();
                case "detail" -> detail = in.text();
                default -> in.skipValue();
            }
        }
        return new SegmentEnd(reason, lsn, detail);
    }
}
