package io.walden.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.walden.wal.decode.RestorePoint;
import io.walden.wal.decode.SegmentSummary;

import java.util.Optional;

/**
 * The header metadata of a WAL object: its name and, for segments, the decoded summary (LSNs, commit
 * times, restore point names). It sits in the header, readable without the key, so that status and
 * restore planning need a few hundred bytes per segment, not the segment.
 *
 * <p>Written by hand rather than by Jackson: wal-push runs once per segment in a fresh JVM, where setting up
 * Jackson's serializers cost more than the rest of the push. The text is what Jackson writes for this record
 * (a test holds the two equal); reading it back ({@link #parse}) uses Jackson.
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
            return Optional.of(Json.mapper().readValue(json, WalMetadata.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
