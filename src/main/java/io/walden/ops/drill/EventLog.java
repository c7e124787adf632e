package io.walden.ops.drill;

import io.walden.codec.ObjectDecoder;
import io.walden.repo.Json;
import io.walden.repo.Repository;
import io.walden.storage.ObjectInfo;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The drills and restores of a repository, one object each under {@code events/}, written like every other
 * object (checksummed, encrypted when the repository is). Named by time, so a listing is the history in order.
 * Retention leaves them alone: they are small, and the history is the point.
 */
public final class EventLog {
    static final String PREFIX = "events/";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Repository repository;

    public EventLog(Repository repository) {
        this.repository = repository;
    }

    /** Stores the event; a second event of the same kind in the same millisecond gets its own object. */
    public String record(RecoveryEvent event) throws IOException {
        byte[] json = event.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String base = PREFIX + NAME.format(event.started()) + "-" + event.kind();
        for (int n = 1; ; n++) {
            String key = base + (n == 1 ? "" : "-" + n) + ".json";
            if (repository.write(key, "{\"type\":\"event\"}", true, out -> out.write(json)).created()) {
                return key;
            }
        }
    }

    /** The events that started at or after {@code since}, oldest first. */
    public List<RecoveryEvent> since(Optional<Instant> since) throws IOException {
        List<RecoveryEvent> out = new ArrayList<>();
        for (ObjectInfo info : repository.storage().list(PREFIX)) {
            if (!info.key().endsWith(".json")) {
                continue;
            }
            RecoveryEvent e = read(info.key());
            if (since.isEmpty() || !e.started().isBefore(since.get())) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(RecoveryEvent::started).thenComparing(RecoveryEvent::kind));
        return out;
    }

    /**
     * The newest event of one kind, reading that one object only: names start with the time, so the listing
     * says which it is (a process that asks every 30 seconds must not read the whole history each time).
     */
    public Optional<RecoveryEvent> latest(String kind) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(PREFIX) + "\\d{8}T\\d{9}Z-" + Pattern.quote(kind) + "(-\\d+)?\\.json");
        Optional<String> newest = repository.storage().list(PREFIX).stream().map(ObjectInfo::key)
                .filter(k -> name.matcher(k).matches()).max(Comparator.naturalOrder());
        return newest.isEmpty() ? Optional.empty() : Optional.of(read(newest.get()));
    }

    private RecoveryEvent read(String key) throws IOException {
        try (ObjectDecoder in = repository.read(key)) {
            return Json.mapper().readValue(in.readAllBytes(), RecoveryEvent.class);
        }
    }
}
