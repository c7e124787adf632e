package io.walden.repo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.walden.repo.Manifest.DataObject;
import io.walden.repo.Manifest.DirEntry;
import io.walden.repo.Manifest.FileEntry;
import io.walden.wal.Lsn;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a manifest token by token. Every restore, delta check and incremental backup starts by reading one,
 * and data binding's first use in a process (introspecting the records, building deserializers) cost about
 * a quarter of a second of a restore's start; this costs a tenth of that. The manifest is still written by
 * data binding ({@link Json}): this reader follows that layout, and fields it does not know are skipped, as
 * data binding skips them.
 */
final class ManifestReader {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** A manifest that is not valid JSON or has a field of the wrong kind; the message says what and where. */
    static final class InvalidManifest extends Exception {
        InvalidManifest(String message) {
            super(message);
        }
    }

    private final JsonParser p;

    private ManifestReader(JsonParser parser) {
        this.p = parser;
    }

    static Manifest read(byte[] json) throws InvalidManifest {
        try (JsonParser parser = FACTORY.createParser(json)) {
            ManifestReader reader = new ManifestReader(parser);
            Manifest m = reader.manifest();
            if (parser.nextToken() != null) {
                throw reader.invalid("more content after the manifest");
            }
            return m;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidManifest(e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidManifest(e.getMessage());
        }
    }

    private Manifest manifest() throws IOException, InvalidManifest {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        int format = 0;
        String id = null;
        String label = null;
        Instant startTime = null;
        Instant stopTime = null;
        Lsn startLsn = null;
        Lsn stopLsn = null;
        int timeline = 0;
        int pgVersionNum = 0;
        String systemIdentifier = null;
        long walSegmentSize = 0;
        String startSegment = null;
        String stopSegment = null;
        String backupLabel = null;
        String tablespaceMap = null;
        Long nextXidAtStop = null;
        String compression = null;
        List<DirEntry> directories = List.of();
        List<FileEntry> files = List.of();
        List<DataObject> objects = List.of();
        long originalSize = 0;
        long storedSize = 0;
        String waldenVersion = null;
        String type = null;
        String parent = null;
        while (nextField()) {
            switch (p.currentName()) {
                case "format" -> format = intValue();
                case "id" -> id = text();
                case "label" -> label = text();
                case "startTime" -> startTime = instant();
                case "stopTime" -> stopTime = instant();
                case "startLsn" -> startLsn = lsn();
                case "stopLsn" -> stopLsn = lsn();
                case "timeline" -> timeline = intValue();
                case "pgVersionNum" -> pgVersionNum = intValue();
                case "systemIdentifier" -> systemIdentifier = text();
                case "walSegmentSize" -> walSegmentSize = longValue();
                case "startSegment" -> startSegment = text();
                case "stopSegment" -> stopSegment = text();
                case "backupLabel" -> backupLabel = text();
                case "tablespaceMap" -> tablespaceMap = text();
                case "nextXidAtStop" -> nextXidAtStop = p.nextToken() == JsonToken.VALUE_NULL ? null : currentLong();
                case "compression" -> compression = text();
                case "directories" -> directories = list(this::directory);
                case "files" -> files = list(this::file);
                case "objects" -> objects = list(this::object);
                case "originalSize" -> originalSize = longValue();
                case "storedSize" -> storedSize = longValue();
                case "waldenVersion" -> waldenVersion = text();
                case "type" -> type = text();
                case "parent" -> parent = text();
                default -> skipValue();
            }
        }
        return new Manifest(format, id, label, startTime, stopTime, startLsn, stopLsn, timeline, pgVersionNum,
                systemIdentifier, walSegmentSize, startSegment, stopSegment, backupLabel, tablespaceMap, nextXidAtStop,
                compression, directories, files, objects, originalSize, storedSize, waldenVersion, type, parent);
    }

    private DirEntry directory() throws IOException, InvalidManifest {
        String path = null;
        int mode = 0;
        while (nextField()) {
            switch (p.currentName()) {
                case "path" -> path = text();
                case "mode" -> mode = intValue();
                default -> skipValue();
            }
        }
        return new DirEntry(path, mode);
    }

    private FileEntry file() throws IOException, InvalidManifest {
        String path = null;
        long size = 0;
        int mode = 0;
        String sha256 = null;
        String object = null;
        long offset = 0;
        String backup = null;
        String base = null;
        String blocks = null;
        boolean blockMap = false;
        while (nextField()) {
            switch (p.currentName()) {
                case "path" -> path = text();
                case "size" -> size = longValue();
                case "mode" -> mode = intValue();
                case "sha256" -> sha256 = text();
                case "object" -> object = text();
                case "offset" -> offset = longValue();
                case "backup" -> backup = text();
                case "base" -> base = text();
                case "blocks" -> blocks = text();
                case "blockMap" -> blockMap = bool();
                default -> skipValue();
            }
        }
        return new FileEntry(path, size, mode, sha256, object, offset, backup, base, blocks, blockMap);
    }

    private DataObject object() throws IOException, InvalidManifest {
        String name = null;
        long plainSize = 0;
        long storedSize = 0;
        String sha256 = null;
        while (nextField()) {
            switch (p.currentName()) {
                case "name" -> name = text();
                case "plainSize" -> plainSize = longValue();
                case "storedSize" -> storedSize = longValue();
                case "sha256" -> sha256 = text();
                default -> skipValue();
            }
        }
        return new DataObject(name, plainSize, storedSize, sha256);
    }

    @FunctionalInterface
    private interface Element<T> {
        T read() throws IOException, InvalidManifest;
    }

    /** An array of objects, each read by {@code element}; null reads as an empty list. */
    private <T> List<T> list(Element<T> element) throws IOException, InvalidManifest {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t, JsonToken.START_ARRAY);
        List<T> out = new ArrayList<>();
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            out.add(element.read());
        }
        return out;
    }

    /** Moves to the next field of the current object: false at its end. */
    private boolean nextField() throws IOException, InvalidManifest {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return false;
        }
        expect(t, JsonToken.FIELD_NAME);
        return true;
    }

    private void skipValue() throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    private String text() throws IOException, InvalidManifest {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private long longValue() throws IOException, InvalidManifest {
        p.nextToken();
        return currentLong();
    }

    private long currentLong() throws IOException, InvalidManifest {
        expect(p.currentToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private int intValue() throws IOException, InvalidManifest {
        p.nextToken();
        expect(p.currentToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getIntValue();
    }

    private boolean bool() throws IOException, InvalidManifest {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw invalid("expected true or false");
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private Instant instant() throws IOException, InvalidManifest {
        String s = text();
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            throw invalid("'" + s + "' is not a time");
        }
    }

    private Lsn lsn() throws IOException, InvalidManifest {
        String s = text();
        try {
            return s == null ? null : Lsn.parse(s);
        } catch (RuntimeException e) {
            throw invalid("'" + s + "' is not a WAL location");
        }
    }

    private void expect(JsonToken actual, JsonToken expected) throws InvalidManifest {
        if (actual != expected) {
            throw invalid("expected " + describe(expected) + ", found " + (actual == null ? "the end" : describe(actual)));
        }
    }

    private InvalidManifest invalid(String what) {
        String field = p.getParsingContext().getCurrentName();
        return new InvalidManifest(what + (field == null ? "" : " at field '" + field + "'")
                + " (line " + p.currentLocation().getLineNr() + ")");
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case FIELD_NAME -> "a field name";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name().toLowerCase(java.util.Locale.ROOT) : "'" + token.asString() + "'";
        };
    }
}
