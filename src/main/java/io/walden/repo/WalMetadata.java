package io.walden.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.walden.wal.decode.SegmentSummary;

import java.util.Optional;

/**
 * The header metadata of a WAL object: its name and, for segments, the decoded summary (LSNs, commit
 * times, restore point names). It sits in the header, readable without the key, so that status and
 * restore planning need a few hundred bytes per segment, not the segment.
 */
public record WalMetadata(String type, String name, SegmentSummary summary) {

    public static String json(String name, Optional<SegmentSummary> summary) {
        try {
            return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(new WalMetadata("wal", name, summary.orElse(null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot describe WAL file " + name, e);
        }
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
