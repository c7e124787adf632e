package io.walden.repo;

import io.walden.codec.Compression;
import io.walden.codec.Digests;
import io.walden.codec.ObjectDecoder;
import io.walden.codec.ObjectHeader;
import io.walden.codec.ObjectTrailer;
import io.walden.error.CorruptObjectException;
import io.walden.storage.LocalStorage;
import io.walden.storage.ObjectNotFoundException;
import io.walden.storage.PendingObject;
import io.walden.wal.Lsn;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryTest {
    private static final long SYSID = 7301234567890123456L;
    private static final long SEG = 16L * 1024 * 1024;

    @TempDir
    Path dir;

    LocalStorage storage;
    Repository repo;

    @BeforeEach
    void setUp() {
        storage = new LocalStorage(dir.resolve("repo"));
        repo = new Repository(storage);
    }

    // ---- encryption --------------------------------------------------------------------------------

    private Repository encrypted(io.walden.codec.Keyring keys) {
        return new Repository(storage, new io.walden.codec.ObjectCodec(Compression.LZ4, 1, java.util.Optional.of(keys)));
    }

    @Test
    void anEncryptedRepositoryRecordsItAndRefusesPlainWriters() throws IOException {
        io.walden.codec.Keyring keys = io.walden.codec.Keyring.generate("k");
        RepositoryIdentity id = encrypted(keys).claim(SYSID, 15, SEG);
        assertThat(id.encryption()).isEqualTo("aes256-gcm-hkdf-1mb");
        assertThat(id.compression()).isEqualTo("lz4");
        for (String secret : io.walden.codec.KeyMaterial.secrets(keys)) {
            assertThat(Files.readString(dir.resolve("repo/walden.json"))).doesNotContain(secret);
        }
        assertThatThrownBy(() -> repo.claim(SYSID, 15, SEG))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("the repository at " + storage.location() + " is encrypted, and no key was given");
    }

    @Test
    void aPlainRepositoryRefusesEncryptedWriters() {
        repo.claim(SYSID, 15, SEG);
        assertThatThrownBy(() -> encrypted(io.walden.codec.Keyring.generate("/etc/walden/k")).claim(SYSID, 15, SEG))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("the repository at " + storage.location() + " is not encrypted, and a key was given (/etc/walden/k);"
                        + " walden does not mix plain and encrypted objects");
    }

    @Test
    void headersTellHowEachObjectWasWritten() throws IOException {
        io.walden.codec.Keyring keys = io.walden.codec.Keyring.generate("k");
        repo.write("backups/A/data/000001", "", false, out -> out.write(new byte[100]));
        encrypted(keys).write("backups/B/data/000001", "", false, out -> out.write(new byte[100]));
        assertThat(repo.header("backups/A/data/000001")).isEqualTo(new ObjectHeader(1, Compression.ZSTD, 0, ""));
        assertThat(repo.header("backups/B/data/000001")).isEqualTo(new ObjectHeader(1, Compression.LZ4, keys.primaryKeyId(), ""));
        try (ObjectDecoder in = encrypted(keys).read("backups/B/data/000001")) {
            assertThat(in.readAllBytes()).hasSize(100);
        }
    }

    // ---- identity ----------------------------------------------------------------------------------

    @Test
    void claimCreatesTheIdentity() throws IOException {
        assertThat(repo.identity()).isEmpty();
        Instant before = Instant.now();
        RepositoryIdentity id = repo.claim(SYSID, 15, SEG);
        assertThat(id.format()).isEqualTo(1);
        assertThat(id.systemIdentifier()).isEqualTo("7301234567890123456");
        assertThat(id.systemId()).isEqualTo(SYSID);
        assertThat(id.pgMajor()).isEqualTo(15);
        assertThat(id.walSegmentSize()).isEqualTo(SEG);
        assertThat(id.compression()).isEqualTo("zstd");
        assertThat(id.created()).isBetween(before, Instant.now());
        assertThat(dir.resolve("repo/walden.json")).exists();
        assertThat(storage.list("")).extracting(o -> o.key()).containsExactly("walden.json");

        var json = Json.mapper().readTree(dir.resolve("repo/walden.json").toFile());
        assertThat(json.get("systemIdentifier").asText()).isEqualTo("7301234567890123456");
        assertThat(json.get("pgMajor").asInt()).isEqualTo(15);
        assertThat(json.get("walSegmentSize").asLong()).isEqualTo(SEG);
        assertThat(json.get("format").asInt()).isEqualTo(1);
        assertThat(repo.identity()).contains(id);
        assertThat(repo.requireIdentity()).isEqualTo(id);
    }

    @Test
    void claimAcceptsTheSameClusterAgain() {
        RepositoryIdentity first = repo.claim(SYSID, 15, SEG);
        RepositoryIdentity again = new Repository(new LocalStorage(dir.resolve("repo"))).claim(SYSID, 15, SEG);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void claimKeepsUnsignedSystemIdentifiers() {
        long high = 0xF000_0000_0000_0001L;
        RepositoryIdentity id = repo.claim(high, 16, SEG);
        assertThat(id.systemIdentifier()).isEqualTo("17293822569102704641");
        assertThat(repo.claim(high, 16, SEG)).isEqualTo(id);
    }

    @Test
    void claimRefusesAnotherCluster() throws IOException {
        repo.claim(SYSID, 15, SEG);
        byte[] identity = Files.readAllBytes(dir.resolve("repo/walden.json"));
        assertThatThrownBy(() -> repo.claim(1234L, 15, SEG))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("belongs to another cluster")
                .hasMessage("the repository at " + storage.location() + " belongs to another cluster (system identifier "
                        + "7301234567890123456), not to this one (1234)")
                .satisfies(t -> assertThat(((RepositoryException) t).hint())
                        .contains("version-scoped path")
                        .isEqualTo("give each cluster its own repository, e.g. a version-scoped path such as .../<instance>/15"))
                .satisfies(t -> assertThat(((RepositoryException) t).exitCode()).isEqualTo(1));
        assertThat(Files.readAllBytes(dir.resolve("repo/walden.json"))).isEqualTo(identity);
    }

    @Test
    void claimRefusesAnotherMajorVersion() throws IOException {
        repo.claim(SYSID, 15, SEG);
        byte[] identity = Files.readAllBytes(dir.resolve("repo/walden.json"));
        assertThatThrownBy(() -> repo.claim(SYSID, 16, SEG))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("the repository at " + storage.location() + " holds PostgreSQL 15 backups, and this cluster runs PostgreSQL 16")
                .satisfies(t -> assertThat(((RepositoryException) t).hint())
                        .isEqualTo("after a major upgrade start a new repository, e.g. .../<instance>/16"));
        assertThat(Files.readAllBytes(dir.resolve("repo/walden.json"))).isEqualTo(identity);
    }

    @Test
    void requireIdentityOfAnEmptyRepository() {
        assertThatThrownBy(() -> repo.requireIdentity())
                .isInstanceOf(RepositoryException.class)
                .hasMessage("no walden repository at " + storage.location())
                .satisfies(t -> assertThat(((RepositoryException) t).hint()).isEqualTo(
                        "check --repo (or WALDEN_REPO); a repository is created by the first 'walden backup' or 'walden wal-push'"));
    }

    // ---- objects -----------------------------------------------------------------------------------

    @Test
    void writeReadAndTrailerRoundTrip() throws IOException {
        byte[] plain = new byte[700_000];
        new Random(1).nextBytes(plain);
        String key = ObjectKeys.backupData("20260213T143000Z", "000001");
        Repository.Written w = repo.write(key, "{\"type\":\"data\"}", false, out -> out.write(plain));
        assertThat(w.created()).isTrue();
        assertThat(w.trailer().plainLength()).isEqualTo(plain.length);
        assertThat(w.trailer().sha256()).isEqualTo(Digests.sha256().digest(plain));
        assertThat(w.storedSize()).isEqualTo(storage.stat(key).orElseThrow().size());

        try (ObjectDecoder in = repo.read(key)) {
            assertThat(in.header()).isEqualTo(ObjectHeader.of(Compression.ZSTD, "{\"type\":\"data\"}"));
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        ObjectTrailer t = repo.trailer(key);
        assertThat(t.plainLength()).isEqualTo(plain.length);
        assertThat(t.sha256()).isEqualTo(w.trailer().sha256());
    }

    @Test
    void writeIfAbsentLeavesTheExistingObject() throws IOException {
        String key = "wal/0000000100000000/000000010000000000000001";
        Repository.Written first = repo.write(key, "", true, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        Repository.Written second = repo.write(key, "", true, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        try (ObjectDecoder in = repo.read(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");
        }
        assertThat(repo.trailer(key).sha256()).isEqualTo(first.trailer().sha256());
        Repository.Written replaced = repo.write(key, "", false, out -> out.write("three".getBytes(StandardCharsets.UTF_8)));
        assertThat(replaced.created()).isTrue();
        assertThat(repo.trailer(key).plainLength()).isEqualTo(5);
    }

    @Test
    void aFailingBodyLeavesNothing() {
        String key = "backups/X/data/000001";
        assertThatThrownBy(() -> repo.write(key, "", false, out -> {
            out.write(new byte[1000]);
            throw new IOException("file vanished");
        })).isInstanceOf(IOException.class).hasMessage("file vanished");
        assertThat(repo.wal()).isEmpty();
        assertThat(repo.backups()).isEmpty();
        assertThat(dir.resolve("repo/backups/X/data")).isEmptyDirectory();
    }

    @Test
    void trailerOfMissingShortAndDamagedObjects() throws IOException {
        assertThatThrownBy(() -> repo.trailer("backups/X/data/000009"))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessage("no object backups/X/data/000009 in " + storage.location());
        assertThatThrownBy(() -> repo.read("backups/X/data/000009")).isInstanceOf(ObjectNotFoundException.class);

        try (PendingObject p = storage.create("short")) {
            p.stream().write(new byte[43]);
            p.commit();
        }
        assertThatThrownBy(() -> repo.trailer("short"))
                .isInstanceOf(CorruptObjectException.class)
                .hasMessage("short is truncated");

        try (PendingObject p = storage.create("damaged")) {
            p.stream().write(new byte[100]);
            p.commit();
        }
        assertThatThrownBy(() -> repo.trailer("damaged"))
                .isInstanceOf(CorruptObjectException.class)
                .hasMessage("damaged has a damaged trailer");
    }

    // ---- backups -----------------------------------------------------------------------------------

    static Manifest manifest(String id, String stopTime, String stopLsn) {
        return new Manifest(Manifest.FORMAT, id, "walden " + id, Instant.parse(stopTime).minusSeconds(90), Instant.parse(stopTime),
                Lsn.parse("0/2000028"), Lsn.parse(stopLsn), 1, 150004, "7301234567890123456", SEG,
                "000000010000000000000002", "000000010000000000000002", "START WAL LOCATION: 0/2000028\n", "", 750L, "zstd",
                List.of(new Manifest.DirEntry("base", 0700)),
                List.of(new Manifest.FileEntry("PG_VERSION", 3, 0600, "abc", "000001", 0),
                        new Manifest.FileEntry("base/1/empty", 0, 0600, null, null, 0)),
                List.of(new Manifest.DataObject("000001", 3, 60, "def")),
                3, 60, "0.1.0", Manifest.FULL, null);
    }

    @Test
    void manifestRoundTrip() throws IOException {
        Manifest m = manifest("20260213T143000Z", "2026-02-13T14:31:30.123456Z", "0/2000138");
        repo.writeManifest(m);
        assertThat(repo.readManifest("20260213T143000Z")).isEqualTo(m);
        assertThat(m.pgMajor()).isEqualTo(15);
        assertThat(m.duration()).hasSeconds(90);
    }

    @Test
    void backupsIgnoresAFolderWithoutManifest() throws IOException {
        Manifest older = manifest("20260213T120000Z", "2026-02-13T12:01:00Z", "0/2000138");
        Manifest newer = manifest("20260213T143000Z", "2026-02-13T14:31:00Z", "0/5000100");
        repo.writeManifest(newer);
        repo.writeManifest(older);
        // an unfinished backup: data, no manifest
        repo.write(ObjectKeys.backupData("20260213T150000Z", "000001"), "", false, out -> out.write(1));
        // a data object that happens to be called manifest.json is not a manifest
        repo.write(ObjectKeys.backupData("20260213T150000Z", "manifest.json"), "", false, out -> out.write(1));

        assertThat(repo.backups()).extracting(Manifest::id).containsExactly("20260213T120000Z", "20260213T143000Z");
        assertThat(repo.backup("LATEST").id()).isEqualTo("20260213T143000Z");
        assertThat(repo.backup("latest").id()).isEqualTo("20260213T143000Z");
        assertThat(repo.backup("20260213T120000Z")).isEqualTo(older);
        assertThatThrownBy(() -> repo.backup("20260213T150000Z"))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("no backup 20260213T150000Z in the repository at " + storage.location())
                .satisfies(t -> assertThat(((RepositoryException) t).hint())
                        .isEqualTo("run 'walden list' to see the backups (newest: 20260213T143000Z)"));
    }

    @Test
    void noBackups() {
        assertThat(repo.backups()).isEmpty();
        assertThatThrownBy(() -> repo.backup("LATEST"))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("the repository at " + storage.location() + " has no backups")
                .satisfies(t -> assertThat(((RepositoryException) t).hint()).isEqualTo("take one with 'walden backup'"));
        assertThatThrownBy(() -> repo.backup("20260213T150000Z"))
                .isInstanceOf(RepositoryException.class)
                .hasMessage("no backup 20260213T150000Z in the repository at " + storage.location())
                .satisfies(t -> assertThat(((RepositoryException) t).hint()).isEqualTo("take one with 'walden backup'"));
    }

    // ---- WAL ---------------------------------------------------------------------------------------

    @Test
    void walCatalogAndHistories() throws IOException {
        for (String name : List.of("000000010000000000000003", "000000010000000000000002", "00000002.history",
                "000000020000000000000003", "000000010000000000000002.00000028.backup")) {
            WalFileName f = WalFileName.parse(name).orElseThrow();
            String content = name.endsWith(".history") ? "1\t0/3000148\tno recovery target specified\n" : name;
            repo.write(ObjectKeys.wal(f), "", true, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
        }
        try (PendingObject p = storage.create("wal/README")) {
            p.commit();
        }
        assertThat(repo.wal()).extracting(w -> w.file().name()).containsExactly(
                "000000010000000000000002", "000000010000000000000002.00000028.backup", "000000010000000000000003",
                "00000002.history", "000000020000000000000003");
        assertThat(repo.wal().get(0).key()).isEqualTo("wal/0000000100000000/000000010000000000000002");
        assertThat(repo.wal().get(0).file().kind()).isEqualTo(WalFileName.Kind.SEGMENT);

        assertThat(repo.history(2)).isEqualTo(new TimelineHistory(2,
                List.of(new TimelineHistory.Switch(1, Lsn.parse("0/3000148")))));
        assertThat(repo.history(1)).isEqualTo(TimelineHistory.root(1));
        assertThat(repo.history(5)).isEqualTo(TimelineHistory.root(5));
    }
}
