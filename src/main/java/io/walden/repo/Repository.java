package io.walden.repo;

import io.walden.codec.CompressedBody;
import io.walden.codec.FrameIndex;
import io.walden.codec.FrameReader;
import io.walden.codec.ObjectCodec;
import io.walden.codec.ObjectDecoder;
import io.walden.codec.ObjectEncoder;
import io.walden.codec.ObjectHeader;
import io.walden.codec.ObjectTrailer;
import io.walden.error.FaultPoint;
import io.walden.storage.ObjectInfo;
import io.walden.storage.ObjectNotFoundException;
import io.walden.storage.PendingObject;
import io.walden.storage.Storage;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One cluster's repository: its identity, its backups and its WAL, on any {@link Storage}. Reading an
 * object always checks its checksum; writing one makes it visible only once complete.
 */
public final class Repository implements AutoCloseable {
    private final Storage storage;
    private final ObjectCodec codec;

    /** A repository written with zstd level 1 and no encryption. */
    public Repository(Storage storage) {
        this(storage, ObjectCodec.defaults());
    }

    public Repository(Storage storage, ObjectCodec codec) {
        this.storage = storage;
        this.codec = codec;
    }

    /** The same repository, writing new objects with other settings (e.g. more compression threads). */
    public Repository withCodec(ObjectCodec other) {
        return new Repository(storage, other);
    }

    /** How new objects are written, and the keys objects are read with. */
    public ObjectCodec codec() {
        return codec;
    }

    public Storage storage() {
        return storage;
    }

    public String location() {
        return storage.location();
    }

    // ---- identity ----------------------------------------------------------------------------------

    public Optional<RepositoryIdentity> identity() {
        try (InputStream in = storage.open(ObjectKeys.IDENTITY)) {
            return Optional.of(RepositoryIdentity.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RepositoryException("cannot read " + ObjectKeys.IDENTITY + " in the repository at " + location()
                    + ": " + e.getMessage(), "check that the repository is reachable and not damaged", e);
        }
    }

    public RepositoryIdentity requireIdentity() {
        return identity().orElseThrow(() -> new RepositoryException("no walden repository at " + location(),
                "check --repo (or WALDEN_REPO); a repository is created by the first 'walden backup' or 'walden wal-push'"));
    }

    /**
     * Returns the repository's identity, creating it for this cluster if the repository is new, and refuses
     * a repository that belongs to another cluster or major version.
     */
    public RepositoryIdentity claim(long systemIdentifier, int pgMajor, long walSegmentSize) {
        Optional<RepositoryIdentity> existing = identity();
        if (existing.isEmpty()) {
            RepositoryIdentity created = new RepositoryIdentity(RepositoryIdentity.FORMAT,
                    Long.toUnsignedString(systemIdentifier), pgMajor, walSegmentSize, codec.compression().toString(),
                    codec.encryption(), Instant.now());
            try (PendingObject p = storage.create(ObjectKeys.IDENTITY)) {
                Json.mapper().writeValue(nonClosing(p.stream()), created);
                if (p.commitIfAbsent()) {
                    return created;
                }
            } catch (IOException e) {
                throw new RepositoryException("cannot create the repository at " + location() + ": " + e.getMessage(),
                        "check that the path is writable", e);
            }
            existing = identity(); // another process created it at the same moment
        }
        RepositoryIdentity id = existing.orElseThrow();
        checkBelongs(id, systemIdentifier, pgMajor);
        checkEncryption(id);
        return id;
    }

    /** An encrypted repository takes only encrypted objects, and a plain one only plain objects. */
    public void checkEncryption(RepositoryIdentity id) {
        if (id.encrypted() && !codec.encrypts()) {
            throw new RepositoryException("the repository at " + location() + " is encrypted, and no key was given",
                    "set WALDEN_ENCRYPTION_KEY_FILE (or WALDEN_ENCRYPTION_KEY) to the repository's keyset");
        }
        if (!id.encrypted() && codec.encrypts()) {
            throw new RepositoryException("the repository at " + location() + " is not encrypted, and a key was given ("
                    + codec.keyring().orElseThrow().source() + "); walden does not mix plain and encrypted objects",
                    "unset WALDEN_ENCRYPTION_KEY_FILE and WALDEN_ENCRYPTION_KEY, or start an encrypted repository at a new --repo");
        }
    }

    public void checkBelongs(RepositoryIdentity id, long systemIdentifier, int pgMajor) {
        if (id.systemId() != systemIdentifier) {
            throw new RepositoryException("the repository at " + location() + " belongs to another cluster (system identifier "
                    + id.systemIdentifier() + "), not to this one (" + Long.toUnsignedString(systemIdentifier) + ")",
                    "give each cluster its own repository, e.g. a version-scoped path such as .../<instance>/" + pgMajor);
        }
        if (id.pgMajor() != pgMajor) {
            throw new RepositoryException("the repository at " + location() + " holds PostgreSQL " + id.pgMajor()
                    + " backups, and this cluster runs PostgreSQL " + pgMajor,
                    "after a major upgrade start a new repository, e.g. .../<instance>/" + pgMajor);
        }
    }

    // ---- objects -----------------------------------------------------------------------------------

    /** Writes plaintext to a thing that produces it. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream plain) throws IOException;
    }

    /**
     * The result of a write: the trailer, whether the object was created by this call, and where its frames are
     * when it was compressed in frames (see {@link ObjectEncoder#frames()}).
     */
    public record Written(ObjectTrailer trailer, long storedSize, boolean created, Optional<FrameIndex> frames) {}

    /**
     * Encodes and stores an object. With {@code ifAbsent}, an existing object is left untouched and
     * {@code created} is false.
     */
    public Written write(String key, String metadata, boolean ifAbsent, BodyWriter body) throws IOException {
        return store(key, ifAbsent, out -> {
            try (ObjectEncoder encoder = codec.encoder(out, key, metadata)) {
                body.writeTo(encoder);
                return new Encoded(encoder.finish(), encoder.frames());
            }
        });
    }

    /** As {@link #write(String, String, boolean, BodyWriter)}, for a body compressed beforehand ({@link ObjectCodec#compress}). */
    public Written write(String key, String metadata, boolean ifAbsent, CompressedBody body) throws IOException {
        return store(key, ifAbsent, out -> {
            codec.write(out, key, metadata, body);
            return new Encoded(body.trailer(), Optional.empty());
        });
    }

    /** Encodes an object onto a stream and says what a reader will check it against. */
    private interface Encoding {
        Encoded encodeTo(OutputStream out) throws IOException;
    }

    private record Encoded(ObjectTrailer trailer, Optional<FrameIndex> frames) {}

    private Written store(String key, boolean ifAbsent, Encoding encoding) throws IOException {
        try (PendingObject pending = storage.create(key)) {
            CountingOutputStream counted = new CountingOutputStream(pending.stream());
            Encoded encoded = encoding.encodeTo(counted);
            FaultPoint.reach("object.before-commit");
            boolean created;
            if (ifAbsent) {
                created = pending.commitIfAbsent();
            } else {
                pending.commit();
                created = true;
            }
            return new Written(encoded.trailer(), counted.count(), created, encoded.frames());
        }
    }

    /** Opens an object for reading; the checksum is checked when the stream reaches its end. */
    public ObjectDecoder read(String key) throws IOException {
        return codec.decoder(storage.open(key), key);
    }

    /**
     * Decodes frame {@code k} of an unencrypted object compressed in frames into {@code into} from its stored bytes
     * alone; the object holds {@code plainLength} bytes and has the header {@code header}. Checked by the frame's own
     * checksum only: the caller checks the content (see {@link FrameReader}). {@code scratch}: a buffer for the stored
     * bytes, used when large enough; returns the one used.
     */
    public byte[] readFrame(String key, ObjectHeader header, FrameIndex index, int k, long plainLength, byte[] into,
                            byte[] scratch) throws IOException {
        if (header.encrypted()) {
            throw new IllegalArgumentException(key + " is encrypted: its frames cannot be read alone");
        }
        long stored = index.storedLength(k);
        // compression's worst case and the chunk lengths; more is a damaged index, not a frame to allocate for
        if (stored > index.frameSize() + index.frameSize() / 128L + (64 << 10)) {
            throw new io.walden.error.CorruptObjectException("frame " + k + " of " + key + " claims " + stored + " stored bytes");
        }
        try (InputStream in = storage.open(key, index.storedStart(k), stored)) {
            return FrameReader.read(in, (int) stored, header.compression(), index.plainLength(k, plainLength), into, scratch, key);
        }
    }

    /** The fixed part of an object's header (compression, key id), read without reading the object. */
    public ObjectHeader header(String key) throws IOException {
        return ObjectHeader.readFixed(readPrefix(key, ObjectHeader.FIXED_LENGTH), key);
    }

    /**
     * An object's whole header, metadata included, from its first bytes: one ranged read, a second only
     * for metadata longer than the first guess. {@code size} is the stored size the listing gave.
     */
    public ObjectHeader headerWithMetadata(String key, long size) throws IOException {
        byte[] head = readPrefix(key, Math.min(size, 16 * 1024));
        if (head.length >= ObjectHeader.FIXED_LENGTH) {
            int metaLength = java.nio.ByteBuffer.wrap(head, 10, 4).getInt();
            long needed = ObjectHeader.FIXED_LENGTH + (long) metaLength;
            if (metaLength > 0 && needed > head.length && needed <= size) {
                head = readPrefix(key, needed);
            }
        }
        return ObjectHeader.parse(head, key);
    }

    private byte[] readPrefix(String key, long length) throws IOException {
        try (InputStream in = storage.open(key, 0, length)) {
            return in.readAllBytes();
        }
    }

    /**
     * The decoded summaries of archived segments, by file name; segments archived without one (by an older
     * walden, or one its decoder could not read) are absent.
     */
    public Map<String, SegmentSummary> walSummaries(List<ArchivedWal> files) throws IOException {
        return new WalSummaries(this, files).all();
    }

    /** The plaintext length and SHA-256 recorded at the end of an object, read without reading it all. */
    public ObjectTrailer trailer(String key) throws IOException {
        ObjectInfo info = storage.stat(key).orElseThrow(() -> new ObjectNotFoundException(key, location()));
        if (info.size() < ObjectTrailer.LENGTH) {
            throw new io.walden.error.CorruptObjectException(key + " is truncated");
        }
        try (InputStream in = storage.open(key, info.size() - ObjectTrailer.LENGTH, ObjectTrailer.LENGTH)) {
            ObjectTrailer t = ObjectTrailer.parse(in.readAllBytes());
            if (t == null) {
                throw new io.walden.error.CorruptObjectException(key + " has a damaged trailer");
            }
            return t;
        }
    }

    // ---- backups -----------------------------------------------------------------------------------

    public void writeManifest(Manifest manifest) throws IOException {
        byte[] json = ManifestJson.write(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(ObjectKeys.manifest(manifest.id()), "{\"type\":\"manifest\"}", false, out -> out.write(json));
    }

    public Manifest readManifest(String backupId) throws IOException {
        try (ObjectDecoder in = read(ObjectKeys.manifest(backupId))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return ManifestJson.read(buf.toByteArray());
        } catch (JsonCursor.InvalidJson e) {
            String key = ObjectKeys.manifest(backupId);
            throw new io.walden.error.CorruptObjectException(key + " is not a valid manifest (" + e.getMessage()
                    + "): backup " + backupId + " cannot be used",
                    "move " + ObjectKeys.BACKUPS + backupId + "/ out of the repository, then run 'walden verify --all'");
        }
    }

    public void writeCatalog(String backupId, CatalogSnapshot catalog) throws IOException {
        byte[] json = catalog.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(ObjectKeys.catalog(backupId), "{\"type\":\"catalog\"}", false, out -> out.write(json));
    }

    /** The catalog recorded with a backup; empty for backups taken before walden recorded one. */
    public Optional<CatalogSnapshot> readCatalog(String backupId) throws IOException {
        try (ObjectDecoder in = read(ObjectKeys.catalog(backupId))) {
            return Optional.of(Json.mapper().readValue(in.readAllBytes(), CatalogSnapshot.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new io.walden.error.CorruptObjectException(ObjectKeys.catalog(backupId) + " is not a valid catalog ("
                    + e.getOriginalMessage() + ")");
        }
    }

    /** Every complete backup (one with a manifest), oldest first. */
    public List<Manifest> backups() {
        try {
            List<String> ids = new ArrayList<>();
            for (ObjectInfo info : storage.list(ObjectKeys.BACKUPS)) {
                String key = info.key();
                if (key.endsWith("/manifest.json") && key.chars().filter(c -> c == '/').count() == 2) {
                    ids.add(key.substring(ObjectKeys.BACKUPS.length(), key.length() - "/manifest.json".length()));
                }
            }
            // read and parsed side by side: one round trip each on an object store, and a repository keeps many
            List<Manifest> out = new ArrayList<>(ParallelReads.map(ids, this::readManifest));
            out.sort(Comparator.comparing(Manifest::stopTime).thenComparing(Manifest::id));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ids of backup folders without a manifest, oldest first: what a killed or failed backup left, or a
     * backup still running. Nothing reads them; 'walden delete' removes them under the write lock.
     */
    public List<String> incompleteBackups() throws IOException {
        java.util.TreeSet<String> seen = new java.util.TreeSet<>();
        java.util.Set<String> complete = new java.util.HashSet<>();
        for (ObjectInfo info : storage.list(ObjectKeys.BACKUPS)) {
            String rest = info.key().substring(ObjectKeys.BACKUPS.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String id = rest.substring(0, slash);
                seen.add(id);
                if (rest.substring(slash).equals("/manifest.json")) {
                    complete.add(id);
                }
            }
        }
        seen.removeAll(complete);
        return List.copyOf(seen);
    }

    /** The backup named by id, or the newest one for "LATEST". */
    public Manifest backup(String idOrLatest) {
        List<Manifest> all = backups();
        if ("LATEST".equalsIgnoreCase(idOrLatest)) {
            if (all.isEmpty()) {
                throw new RepositoryException("the repository at " + location() + " has no backups",
                        "take one with 'walden backup'");
            }
            return all.get(all.size() - 1);
        }
        return all.stream().filter(m -> m.id().equals(idOrLatest)).findFirst()
                .orElseThrow(() -> new RepositoryException("no backup " + idOrLatest + " in the repository at " + location(),
                        all.isEmpty() ? "take one with 'walden backup'" : "run 'walden list' to see the backups (newest: "
                                + all.get(all.size() - 1).id() + ")"));
    }

    // ---- WAL ---------------------------------------------------------------------------------------

    /** Every archived WAL file, sorted by name. */
    public List<ArchivedWal> wal() {
        try {
            List<ArchivedWal> out = new ArrayList<>();
            for (ObjectInfo info : storage.list(ObjectKeys.WAL)) {
                WalFileName.parse(ObjectKeys.walFileName(info.key())).ifPresent(name ->
                        out.add(new ArchivedWal(name, info.key(), info.size(), info.modified())));
            }
            out.sort(Comparator.comparing(w -> w.file().name()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lineage of a timeline, from its history file (timeline 1, or a missing file: no ancestors). */
    public TimelineHistory history(int timeline) throws IOException {
        if (timeline <= 1) {
            return TimelineHistory.root(timeline);
        }
        try (ObjectDecoder in = read(ObjectKeys.timelineHistory(timeline))) {
            return TimelineHistory.parse(timeline, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (ObjectNotFoundException e) {
            return TimelineHistory.root(timeline);
        }
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        long count() {
            return count;
        }
    }
}
