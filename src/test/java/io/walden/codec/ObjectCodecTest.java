package io.walden.codec;

import io.walden.error.CorruptObjectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class ObjectCodecTest {
    private static final String NAME = "backups/X/data/000001";
    private static final String META = "{\"type\":\"data\",\"files\":3}";

    record Encoded(byte[] bytes, ObjectTrailer trailer) {}

    static Encoded encode(Compression c, String metadata, byte[] plain) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ObjectEncoder enc = ObjectEncoder.open(sink, ObjectHeader.of(c, metadata), 3);
        // write in uneven pieces, to cross chunk boundaries at odd places
        int off = 0;
        int step = 1;
        while (off < plain.length) {
            int n = Math.min(step, plain.length - off);
            enc.write(plain, off, n);
            off += n;
            step = step * 3 + 7;
        }
        assertThat(enc.plainLength()).isEqualTo(plain.length);
        ObjectTrailer t = enc.finish();
        assertThat(enc.finish()).isSameAs(t); // finishing twice writes nothing more
        int size = sink.size();
        enc.close();
        assertThat(sink.size()).isEqualTo(size);
        return new Encoded(sink.toByteArray(), t);
    }

    static byte[] decode(byte[] object) throws IOException {
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(object), NAME)) {
            return in.readAllBytes();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] compressible(int n) {
        byte[] line = "INSERT INTO t VALUES (42, 'walden compressible line of text');\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    static byte[] sha256(byte[] b) {
        return Digests.sha256().digest(b);
    }

    private static void assertRoundTrip(Compression c, byte[] plain) throws IOException {
        Encoded e = encode(c, META, plain);
        assertThat(e.trailer().plainLength()).isEqualTo(plain.length);
        assertThat(e.trailer().sha256()).isEqualTo(sha256(plain));
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(e.bytes()), NAME)) {
            assertThat(in.header()).isEqualTo(new ObjectHeader(1, c, 0, META));
            byte[] back = in.readAllBytes();
            assertThat(back.length).isEqualTo(plain.length);
            assertThat(Arrays.equals(back, plain)).as("plaintext equal").isTrue();
            assertThat(in.read()).isEqualTo(-1);
            ObjectTrailer t = in.verifyToEnd();
            assertThat(t.plainLength()).isEqualTo(plain.length);
            assertThat(t.sha256()).isEqualTo(e.trailer().sha256());
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripEmpty(Compression c) throws IOException {
        assertRoundTrip(c, new byte[0]);
        Encoded e = encode(c, "", new byte[0]);
        assertThat(e.trailer().sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripOneByte(Compression c) throws IOException {
        assertRoundTrip(c, new byte[] {(byte) 0xA5});
        // single-byte write(int) path
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ObjectEncoder enc = ObjectEncoder.open(sink, ObjectHeader.of(c, null), 1);
        enc.write(0x7F);
        ObjectTrailer t = enc.finish();
        assertThat(t.plainLength()).isEqualTo(1);
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(sink.toByteArray()), NAME)) {
            assertThat(in.header().metadata()).isEmpty();
            assertThat(in.read()).isEqualTo(0x7F);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripSeveralMegabytesRandom(Compression c) throws IOException {
        assertRoundTrip(c, random(3 * 1024 * 1024 + 17, 1));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripSeveralMegabytesCompressible(Compression c) throws IOException {
        byte[] plain = compressible(4 * 1024 * 1024 + 3);
        assertRoundTrip(c, plain);
        int stored = encode(c, META, plain).bytes().length;
        if (c == Compression.ZSTD) {
            assertThat(stored).isLessThan(plain.length / 50);
        } else if (c == Compression.LZ4) {
            assertThat(stored).isLessThan(plain.length / 20);
        } else {
            // header + 16 full chunks and one of 3 bytes, each with a 4-byte length + end marker + trailer
            int header = 14 + META.length();
            int chunks = 17;
            assertThat(stored).isEqualTo(header + plain.length + 4 * chunks + 4 + ObjectTrailer.LENGTH);
        }
    }

    @Test
    void headerLayoutAndMetadataRoundTrip() throws IOException {
        String meta = "{\"first\":\"2026-02-13T14:30:00Z\",\"note\":\"ünïcødé ✓\"}";
        Encoded e = encode(Compression.ZSTD, meta, new byte[] {1, 2, 3});
        byte[] b = e.bytes();
        assertThat(Arrays.copyOfRange(b, 0, 4)).isEqualTo(new byte[] {'W', 'L', 'D', 'N'});
        assertThat(b[4]).isEqualTo((byte) 1); // format version
        assertThat(b[5]).isEqualTo((byte) 1); // zstd
        assertThat(ByteBuffer.wrap(b, 6, 4).getInt()).isZero(); // key id
        int metaLen = meta.getBytes(StandardCharsets.UTF_8).length;
        assertThat(ByteBuffer.wrap(b, 10, 4).getInt()).isEqualTo(metaLen);
        assertThat(new String(b, 14, metaLen, StandardCharsets.UTF_8)).isEqualTo(meta);
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(b), NAME)) {
            assertThat(in.header()).isEqualTo(new ObjectHeader(1, Compression.ZSTD, 0, meta));
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void trailerParsedFromLast44BytesEqualsFinishedTrailer(Compression c) throws IOException {
        byte[] plain = random(100_000, 2);
        Encoded e = encode(c, META, plain);
        byte[] b = e.bytes();
        byte[] tail = Arrays.copyOfRange(b, b.length - ObjectTrailer.LENGTH, b.length);
        ObjectTrailer parsed = ObjectTrailer.parse(tail);
        assertThat(parsed).isNotNull();
        assertThat(parsed.plainLength()).isEqualTo(e.trailer().plainLength()).isEqualTo(100_000);
        assertThat(parsed.sha256()).isEqualTo(e.trailer().sha256());
        assertThat(parsed.sha256Hex()).isEqualTo(e.trailer().sha256Hex()).hasSize(64);
        assertThat(Arrays.copyOfRange(tail, 40, 44)).isEqualTo(new byte[] {'W', 'E', 'N', 'D'});

        assertThat(ObjectTrailer.parse(Arrays.copyOf(tail, 43))).isNull();
        tail[43] ^= 1;
        assertThat(ObjectTrailer.parse(tail)).isNull();
    }

    // ---- corruption ----------------------------------------------------------------------------

    @Test
    void flippedBodyByteFailsChecksumWithoutCompression() throws IOException {
        byte[] plain = random(1000, 3);
        byte[] b = encode(Compression.NONE, META, plain).bytes();
        int bodyStart = 14 + META.length() + 4;
        b[bodyStart + 500] ^= 0x10;
        assertThatThrownBy(() -> decode(b))
                .isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " fails its checksum: its content is not what was written")
                .satisfies(t -> assertThat(((CorruptObjectException) t).hint())
                        .isEqualTo("the repository's copy is damaged: restore from another backup (--backup ID, see 'walden list') "
                                + "and take a new backup"))
                .satisfies(t -> assertThat(((CorruptObjectException) t).exitCode()).isEqualTo(1));
    }

    @Test
    void flippedBodyByteIsDetectedWithZstd() throws IOException {
        byte[] plain = random(200_000, 4);
        byte[] good = encode(Compression.ZSTD, META, plain).bytes();
        int bodyStart = 14 + META.length() + 4;
        int bodyEnd = good.length - ObjectTrailer.LENGTH - 4;
        Random r = new Random(5);
        for (int i = 0; i < 40; i++) {
            byte[] b = good.clone();
            int pos = bodyStart + 16 + r.nextInt(bodyEnd - bodyStart - 32);
            b[pos] ^= (byte) (1 << r.nextInt(8));
            Throwable t = catchThrowable(() -> decode(b));
            assertThat(t).as("flip at %d", pos).isInstanceOf(CorruptObjectException.class);
            assertThat(t.getMessage()).as("flip at %d", pos).satisfiesAnyOf(
                    m -> assertThat(m).isEqualTo(NAME + " fails its checksum: its content is not what was written"),
                    m -> assertThat(m).startsWith(NAME + " has a damaged body ("));
        }
    }

    /**
     * A single-bit flip anywhere outside the metadata string either fails with {@link CorruptObjectException}
     * or, where it only touches a redundant field of the compressed frame, still yields exactly the original
     * plaintext: never different bytes, never another exception type.
     */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyFlippedByteOutsideMetadataIsDetectedOrHarmless(Compression c) throws IOException {
        byte[] plain = compressible(3000);
        byte[] good = encode(c, META, plain).bytes();
        int metaStart = 14;
        int metaEnd = 14 + META.length();
        int detected = 0;
        for (int pos = 0; pos < good.length; pos++) {
            if (pos >= metaStart && pos < metaEnd) {
                continue;
            }
            for (int bit : new int[] {0, 3, 7}) {
                byte[] b = good.clone();
                b[pos] ^= (byte) (1 << bit);
                byte[][] out = new byte[1][];
                Throwable t = catchThrowable(() -> out[0] = decode(b));
                if (t == null) {
                    assertThat(c).as("flip of bit %d at %d undetected", bit, pos).isNotEqualTo(Compression.NONE);
                    assertThat(Arrays.equals(out[0], plain)).as("flip of bit %d at %d returned other bytes", bit, pos).isTrue();
                } else {
                    // a flip in the key id makes a plain object look encrypted: that is reported as a missing key
                    boolean keyId = pos >= 6 && pos < 10;
                    assertThat(t).as("flip of bit %d at %d of %d", bit, pos, good.length)
                            .isInstanceOf(keyId ? io.walden.error.WaldenException.class : CorruptObjectException.class);
                    assertThat(t.getMessage()).startsWith(NAME + " ");
                    detected++;
                }
            }
        }
        if (c == Compression.NONE) {
            assertThat(detected).isEqualTo((good.length - META.length()) * 3);
        }
    }

    @Test
    void headerDamageMessages() throws IOException {
        byte[] good = encode(Compression.NONE, META, new byte[] {9}).bytes();

        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> decode(magic)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " is not a walden object (bad magic)");

        byte[] version = good.clone();
        version[4] = 2;
        assertThatThrownBy(() -> decode(version)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " has object format 2, this walden reads format 1");

        byte[] compression = good.clone();
        compression[5] = 9;
        assertThatThrownBy(() -> decode(compression)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " uses an unknown compression (code 9)");

        byte[] key = good.clone();
        key[9] = 3;
        assertThatThrownBy(() -> decode(key)).isInstanceOf(io.walden.error.WaldenException.class)
                .hasMessage(NAME + " is encrypted with key 3, and no key was given");

        byte[] metaLen = good.clone();
        metaLen[10] = (byte) 0x80; // negative length
        assertThatThrownBy(() -> decode(metaLen)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " has a damaged header");
    }

    /** Each cut point of an object gets the message for the part it cut into. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void truncationAtEveryCutPointIsDetected(Compression c) throws IOException {
        byte[] good = encode(c, META, random(1500, 6)).bytes();
        int headerEnd = 14 + META.length();
        int trailerStart = good.length - ObjectTrailer.LENGTH;
        for (int cut = 0; cut < good.length; cut++) {
            byte[] b = Arrays.copyOf(good, cut);
            String expected;
            if (cut < headerEnd) {
                expected = NAME + " is truncated (header incomplete)";
            } else if (cut < trailerStart) {
                expected = NAME + " is truncated (body incomplete)";
            } else {
                expected = NAME + " is truncated (no trailer)";
            }
            Throwable t = catchThrowable(() -> decode(b));
            assertThat(t).as("cut at %d of %d", cut, good.length).isInstanceOf(CorruptObjectException.class);
            assertThat(t).as("cut at %d of %d", cut, good.length).hasMessage(expected);
        }
    }

    @Test
    void truncatedLargeObjectIsDetected() throws IOException {
        byte[] good = encode(Compression.ZSTD, META, random(2 * 1024 * 1024, 7)).bytes();
        for (int cut : new int[] {good.length / 3, good.length / 2, good.length - 45, good.length - 1}) {
            byte[] b = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> decode(b)).as("cut at %d", cut).isInstanceOf(CorruptObjectException.class);
        }
    }

    @Test
    void alteredTrailerIsDetected() throws IOException {
        byte[] plain = random(5000, 8);
        byte[] good = encode(Compression.ZSTD, META, plain).bytes();
        int t = good.length - ObjectTrailer.LENGTH;

        byte[] length = good.clone();
        length[t + 7] ^= 1;
        assertThatThrownBy(() -> decode(length)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " fails its checksum: its content is not what was written");

        byte[] sha = good.clone();
        sha[t + 8 + 31] ^= (byte) 0x80;
        assertThatThrownBy(() -> decode(sha)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " fails its checksum: its content is not what was written");

        byte[] end = good.clone();
        end[good.length - 1] = 'X';
        assertThatThrownBy(() -> decode(end)).isInstanceOf(CorruptObjectException.class)
                .hasMessage(NAME + " has a damaged trailer");
    }

    @Test
    void verifyToEndChecksWithoutReadingByTheCaller() throws IOException {
        byte[] plain = random(300_000, 9);
        byte[] b = encode(Compression.NONE, META, plain).bytes();
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(b), NAME)) {
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(10);
            ObjectTrailer t = in.verifyToEnd();
            assertThat(t.plainLength()).isEqualTo(plain.length);
            assertThat(t.sha256()).isEqualTo(sha256(plain));
        }
        b[14 + META.length() + 4 + 250_000] ^= 1;
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(b), NAME)) {
            assertThatThrownBy(in::verifyToEnd).isInstanceOf(CorruptObjectException.class)
                    .hasMessage(NAME + " fails its checksum: its content is not what was written");
        }
    }

    @Test
    void decoderStopsAtTheTrailerOfAStreamWithMoreAfterIt() throws IOException {
        // The decoder reads exactly one object; it must not need the stream to end there.
        byte[] plain = compressible(10_000);
        byte[] one = encode(Compression.ZSTD, META, plain).bytes();
        byte[] two = Arrays.copyOf(one, one.length + 100);
        InputStream raw = new ByteArrayInputStream(two);
        try (ObjectDecoder in = ObjectDecoder.open(raw, NAME)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void compressionNamesAndCodes() {
        assertThat(Compression.parse(" ZStd ")).isEqualTo(Compression.ZSTD);
        assertThat(Compression.parse("none")).isEqualTo(Compression.NONE);
        assertThat(Compression.fromCode(1)).isEqualTo(Compression.ZSTD);
        assertThat(Compression.ZSTD.toString()).isEqualTo("zstd");
        assertThatThrownBy(() -> Compression.parse("lz5"))
                .isInstanceOf(io.walden.error.UsageException.class)
                .hasMessage("unknown compression 'lz5'")
                .satisfies(t -> assertThat(((io.walden.error.UsageException) t).hint()).isEqualTo("use one of: zstd, lz4, none"))
                .satisfies(t -> assertThat(((io.walden.error.UsageException) t).exitCode()).isEqualTo(2));
    }

    @Test
    void sha256IsSha256() {
        MessageDigest d = Digests.sha256();
        assertThat(d.getAlgorithm()).isEqualTo("SHA-256");
        assertThat(java.util.HexFormat.of().formatHex(d.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
