package io.walden.repo;

import io.walden.repo.JsonCursor.InvalidJson;
import io.walden.repo.Manifest.DataObject;
import io.walden.repo.Manifest.DirEntry;
import io.walden.repo.Manifest.FileEntry;
import io.walden.wal.Lsn;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * A manifest as JSON, both ways, without data binding: every backup writes one and every restore, delta check
 * and incremental backup starts by reading one, and data binding's first use in a process (introspecting the
 * records, building serializers) cost a quarter of a second each time. The layout is what data binding writes
 * for {@link Manifest} (file entries leave out their default fields); a test holds the two equal, and fields
 * this does not know are skipped when reading.
 */
final class ManifestJson {
    private ManifestJson() {
    }

    static String write(Manifest m) {
        JsonText json = new JsonText().begin().field("format", m.format()).field("id", m.id()).field("label", m.label())
                .field("startTime", m.startTime()).field("stopTime", m.stopTime()).field("startLsn", m.startLsn())
                .field("stopLsn", m.stopLsn()).field("timeline", m.timeline()).field("pgVersionNum", m.pgVersionNum())
                .field("systemIdentifier", m.systemIdentifier()).field("walSegmentSize", m.walSegmentSize())
                .field("startSegment", m.startSegment()).field("stopSegment", m.stopSegment())
                .field("backupLabel", m.backupLabel()).field("tablespaceMap", m.tablespaceMap())
                .field("nextXidAtStop", m.nextXidAtStop()).field("compression", m.compression()).key("directories").beginArray();
        for (DirEntry d : m.directories()) {
            json.begin().field("path", d.path()).field("mode", d.mode()).end();
        }
        json.endArray().key("files").beginArray();
        for (FileEntry f : m.files()) {
            json.begin();
            fieldUnlessDefault(json, "path", f.path());
            fieldUnlessDefault(json, "size", f.size());
            fieldUnlessDefault(json, "mode", f.mode());
            fieldUnlessDefault(json, "sha256", f.sha256());
            fieldUnlessDefault(json, "object", f.object());
            fieldUnlessDefault(json, "offset", f.offset());
            fieldUnlessDefault(json, "backup", f.backup());
            fieldUnlessDefault(json, "base", f.base());
            fieldUnlessDefault(json, "blocks", f.blocks());
            if (f.blockMap()) {
                json.field("blockMap", true);
            }
            json.end();
        }
        json.endArray().key("objects").beginArray();
        for (DataObject o : m.objects()) {
            json.begin().field("name", o.name()).field("plainSize", o.plainSize()).field("storedSize", o.storedSize())
                    .field("sha256", o.sha256()).end();
        }
        return json.endArray().field("originalSize", m.originalSize()).field("storedSize", m.storedSize())
                .field("waldenVersion", m.waldenVersion()).field("type", m.type()).field("parent", m.parent()).end().toString();
    }

    /** File entries leave out what is null or zero ({@link Manifest.FileEntry}'s inclusion rule). */
    private static void fieldUnlessDefault(JsonText json, String name, Object value) {
        if (value != null && !(value instanceof Number n && n.longValue() == 0)) {
            json.field(name, value);
        }
    }

    static Manifest read(byte[] json) throws InvalidJson {
        return JsonCursor.read(json, in -> {
            in.beginObject();
            return manifest(in);
        });
    }

    private static Manifest manifest(JsonCursor in) throws IOException, InvalidJson {
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
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "format" -> format = in.intValue();
                case "id" -> id = in.text();
                case "label" -> label = in.text();
                case "startTime" -> startTime = in.instant();
                case "stopTime" -> stopTime = in.instant();
                case "startLsn" -> startLsn = in.lsn();
                case "stopLsn" -> stopLsn = in.lsn();
                case "timeline" -> timeline = in.intValue();
                case "pgVersionNum" -> pgVersionNum = in.intValue();
                case "systemIdentifier" -> systemIdentifier = in.text();
                case "walSegmentSize" -> walSegmentSize = in.longValue();
                case "startSegment" -> startSegment = in.text();
                case "stopSegment" -> stopSegment = in.text();
                case "backupLabel" -> backupLabel = in.text();
                case "tablespaceMap" -> tablespaceMap = in.text();
                case "nextXidAtStop" -> nextXidAtStop = in.optionalLong();
                case "compression" -> compression = in.text();
                case "directories" -> directories = in.list(ManifestJson::directory);
                case "files" -> files = in.list(ManifestJson::file);
                case "objects" -> objects = in.list(ManifestJson::object);
                case "originalSize" -> originalSize = in.longValue();
                case "storedSize" -> storedSize = in.longValue();
                case "waldenVersion" -> waldenVersion = in.text();
                case "type" -> type = in.text();
                case "parent" -> parent = in.text();
                default -> in.skipValue();
            }
        }
        return new Manifest(format, id, label, startTime, stopTime, startLsn, stopLsn, timeline, pgVersionNum,
                systemIdentifier, walSegmentSize, startSegment, stopSegment, backupLabel, tablespaceMap, nextXidAtStop,
                compression, directories, files, objects, originalSize, storedSize, waldenVersion, type, parent);
    }

    private static DirEntry directory(JsonCursor in) throws IOException, InvalidJson {
        String path = null;
        int mode = 0;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "path" -> path = in.text();
                case "mode" -> mode = in.intValue();
                default -> in.skipValue();
            }
        }
        return new DirEntry(path, mode);
    }

    private static FileEntry file(JsonCursor in) throws IOException, InvalidJson {
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
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "path" -> path = in.text();
                case "size" -> size = in.longValue();
                case "mode" -> mode = in.intValue();
                case "sha256" -> sha256 = in.text();
                case "object" -> object = in.text();
                case "offset" -> offset = in.longValue();
                case "backup" -> backup = in.text();
                case "base" -> base = in.text();
                case "blocks" -> blocks = in.text();
                case "blockMap" -> blockMap = in.bool();
                default -> in.skipValue();
            }
        }
        return new FileEntry(path, size, mode, sha256, object, offset, backup, base, blocks, blockMap);
    }

    private static DataObject object(JsonCursor in) throws IOException, InvalidJson {
        String name = null;
        long plainSize = 0;
        long storedSize = 0;
        String sha256 = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> name = in.text();
                case "plainSize" -> plainSize = in.longValue();
                case "storedSize" -> storedSize = in.longValue();
                case "sha256" -> sha256 = in.text();
                default -> in.skipValue();
            }
        }
        return new DataObject(name, plainSize, storedSize, sha256);
    }
}
