package io.walden.repo;

import io.walden.repo.Manifest.DataObject;
import io.walden.repo.Manifest.DirEntry;
import io.walden.repo.Manifest.FileEntry;
import io.walden.wal.Lsn;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestJsonTest {

    /** An incremental backup's manifest with every kind of file entry and every optional field set. */
    private static Manifest incremental() {
        return new Manifest(Manifest.FORMAT, "20260213T143000Z", "nightly \"quoted\" ✓", Instant.parse("2026-02-13T14:30:00.5Z"),
                Instant.parse("2026-02-13T14:31:30.123456789Z"), Lsn.parse("0/2000028"), Lsn.parse("1/A0000138"), 3, 170002,
                "7301234567890123456", 16 << 20, "000000030000000100000002", "0000000300000001000000A0",
                "START WAL LOCATION: 0/2000028\nLABEL: x\n", "16385 /mnt/space\n", 4_000_000_000L, "zstd",
                List.of(new DirEntry("base", 0700), new DirEntry("base/5", 0750)),
                List.of(new FileEntry("PG_VERSION", 3, 0600, "abc", "000001", 0),
                        new FileEntry("base/1/empty", 0, 0600, null, null, 0),
                        new FileEntry("base/5/16406", 671481856L, 0600, "f00d", "000002", 0, null, null, null, true),
                        new FileEntry("base/5/16409", 112336896L, 0600, "beef", "000003", 8192, "20260212T010000Z",
                                "20260211T010000Z", "0-3,17,99-120", true),
                        new FileEntry("base/5/16410", 8192, 0600, "cafe", "000001", 3, "20260212T010000Z", null, null, false)),
                List.of(new DataObject("000001", 8195, 600, "def"), new DataObject("000002", 671481856L, 251044723L, "123")),
                5_000_000_000L, 1_000_000_000L, "0.1.0", Manifest.INCREMENTAL, "20260212T010000Z");
    }

    @Test
    void writesWhatDataBindingWrites() throws Exception {
        Manifest m = incremental();
        assertThat(Json.mapper().readTree(ManifestJson.write(m))).isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsString(m)));
        Manifest empty = new Manifest(1, "x", null, null, null, null, null, 0, 0, null, 0, null, null, null, null, null, null,
                List.of(), List.of(), List.of(), 0, 0, null, null, null);
        assertThat(Json.mapper().readTree(ManifestJson.write(empty)))
                .isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsString(empty)));
        assertThat(ManifestJson.read(ManifestJson.write(m).getBytes(StandardCharsets.UTF_8))).isEqualTo(m);
    }

    @Test
    void readsWhatDataBindingWritesAsDataBindingReadsIt() throws Exception {
        Manifest m = incremental();
        byte[] json = Json.mapper().writeValueAsBytes(m);
        assertThat(ManifestJson.read(json)).isEqualTo(m).isEqualTo(Json.mapper().readValue(json, Manifest.class));
    }

    @Test
    void nullsAndAbsentOptionalFieldsReadAsDataBindingReadsThem() throws Exception {
        String json = """
                {"format": 1, "id": "20250101T000000Z", "label": null, "nextXidAtStop": null, "startLsn": "0/2000028",
                 "files": [{"path": "PG_VERSION", "size": 3, "mode": 384, "sha256": "abc", "object": "000001"}],
                 "directories": [], "objects": []}""";
        Manifest read = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read).isEqualTo(Json.mapper().readValue(json, Manifest.class));
        assertThat(read.type()).isNull();
        assertThat(read.incremental()).isFalse();
        assertThat(read.nextXidAtStop()).isNull();
        assertThat(read.files().get(0).offset()).isZero();
        assertThat(read.files().get(0).blockMap()).isFalse();
    }

    @Test
    void fieldsItDoesNotKnowAreSkippedWhateverTheirShape() throws Exception {
        String json = """
                {"future": {"nested": [1, {"a": null}]}, "format": 2, "id": "x", "more": [[]], "files": [
                  {"path": "a", "size": 1, "mode": 384, "sha256": "s", "object": "000001", "extra": {"k": true}}],
                 "directories": [], "objects": [], "last": "y"}""";
        Manifest read = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read.id()).isEqualTo("x");
        assertThat(read.files()).containsExactly(new FileEntry("a", 1, 0600, "s", "000001", 0));
    }

    @Test
    void aDamagedManifestIsRefusedSayingWhereAndWhy() {
        assertThatThrownBy(() -> ManifestJson.read("{\"format\": 2, \"id\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonCursor.InvalidJson.class);
        assertThatThrownBy(() -> ManifestJson.read("{\"files\": [{\"path\": \"a\", \"size\": \"big\"}]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected a whole number, found a string at field 'size'");
        assertThatThrownBy(() -> ManifestJson.read("{\"stopLsn\": \"nowhere\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'nowhere' is not a WAL location");
        assertThatThrownBy(() -> ManifestJson.read("{\"stopTime\": \"yesterday\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'yesterday' is not a time");
        assertThatThrownBy(() -> ManifestJson.read("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected an object, found an array");
        assertThatThrownBy(() -> ManifestJson.read("{} {}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("more content after the end");
    }
}
