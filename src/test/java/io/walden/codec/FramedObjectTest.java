package io.walden.codec;

import io.walden.error.CorruptObjectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Objects compressed on several threads are rows of frames: read whole as before, or one frame at a time. */
class FramedObjectTest {
    private static final String KEY = "backups/20260213T150000Z/data/000001";
    private static final int FRAME = ObjectEncoder.FRAME_SIZE;

    private record Encoded(byte[] bytes, ObjectTrailer trailer, Optional<FrameIndex> frames) {}

    private static Encoded encode(ObjectCodec codec, byte[] plain) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (ObjectEncoder enc = codec.encoder(sink, KEY, "{\"type\":\"backup-data\"}")) {
            // uneven pieces, so frames end inside a write
            for (int off = 0, step = 1000; off < plain.length; off += step, step = step * 2 + 13) {
                enc.write(plain, off, Math.min(step, plain.length - off));
            }
            ObjectTrailer trailer = enc.finish();
            return new Encoded(sink.toByteArray(), trailer, enc.frames());
        }
    }

    /** Half random, half repeated text: compressible, not trivially. */
    private static byte[] pages(int length) {
        byte[] b = new byte[length];
        Random r = new Random(11);
        for (int i = 0; i < length; i += 8192) {
            byte[] page = new byte[Math.min(4096, length - i)];
            r.nextBytes(page);
            System.arraycopy(page, 0, b, i, page.length);
        }
        return b;
    }

    private static byte[] frame(Encoded e, FrameIndex index, int k, Compression c, long plainLength) throws IOException {
        int stored = (int) index.storedLength(k);
        byte[] into = new byte[index.plainLength(k, plainLength)];
        FrameReader.read(new ByteArrayInputStream(e.bytes(), (int) index.storedStart(k), stored), stored, c, into.length, into,
                null, KEY);
        return into;
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "NONE"})
    void eachFrameDecodesAloneAndTheWholeObjectAsBefore(Compression c) throws IOException {
        byte[] plain = pages(3 * FRAME + FRAME / 2 + 100);
        ObjectCodec codec = new ObjectCodec(c, c.defaultLevel(), Optional.empty()).withWorkers(2);
        Encoded e = encode(codec, plain);

        try (ObjectDecoder in = codec.decoder(new ByteArrayInputStream(e.bytes()), KEY)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
            assertThat(in.verifyToEnd().sha256()).isEqualTo(Digests.sha256().digest(plain));
        }
        FrameIndex index = e.frames().orElseThrow();
        assertThat(index.frames()).isEqualTo(4);
        assertThat(index.fits(plain.length)).isTrue();
        assertThat(index.fits(plain.length + FRAME)).isFalse();
        for (int k = 0; k < index.frames(); k++) {
            int from = k * FRAME;
            assertThat(frame(e, index, k, c, plain.length)).as("frame " + k)
                    .isEqualTo(Arrays.copyOfRange(plain, from, Math.min(plain.length, from + FRAME)));
        }
        // the last frame ends where the body's end marker starts
        int end = (int) index.storedStart(index.frames());
        assertThat(Arrays.copyOfRange(e.bytes(), end, end + 4)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void aDamagedFrameFailsAloneAndInTheWholeObject() throws IOException {
        byte[] plain = pages(2 * FRAME + 5000);
        ObjectCodec codec = ObjectCodec.defaults().withWorkers(2);
        Encoded e = encode(codec, plain);
        FrameIndex index = e.frames().orElseThrow();
        byte[] damaged = e.bytes().clone();
        int at = (int) (index.storedStart(1) + index.storedLength(1) / 2);
        damaged[at] ^= 0x40;
        Encoded bad = new Encoded(damaged, e.trailer(), e.frames());

        assertThat(frame(bad, index, 0, Compression.ZSTD, plain.length)).isEqualTo(Arrays.copyOf(plain, FRAME));
        assertThatThrownBy(() -> frame(bad, index, 1, Compression.ZSTD, plain.length)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining(KEY);
        assertThatThrownBy(() -> {
            try (ObjectDecoder in = codec.decoder(new ByteArrayInputStream(damaged), KEY)) {
                in.readAllBytes();
                in.verifyToEnd();
            }
        }).isInstanceOf(CorruptObjectException.class);
    }

    @Test
    void encryptedLz4OneThreadAndEmptyObjectsHaveNoFrameIndex() throws IOException {
        byte[] plain = pages(FRAME + 10);
        Keyring keys = Keyring.generate("test keyset");
        ObjectCodec encrypted = new ObjectCodec(Compression.ZSTD, 1, Optional.of(keys)).withWorkers(2);
        Encoded e = encode(encrypted, plain);
        assertThat(e.frames()).isEmpty();
        try (ObjectDecoder in = encrypted.decoder(new ByteArrayInputStream(e.bytes()), KEY)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(encode(new ObjectCodec(Compression.LZ4, 1, Optional.empty()).withWorkers(2), plain).frames()).isEmpty();
        assertThat(encode(ObjectCodec.defaults(), plain).frames()).isEmpty();
        Encoded empty = encode(ObjectCodec.defaults().withWorkers(2), new byte[0]);
        assertThat(empty.frames()).isEmpty();
        try (ObjectDecoder in = ObjectDecoder.open(new ByteArrayInputStream(empty.bytes()), KEY)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void aFrameIndexRefusesStartsThatDoNotGrow() {
        assertThatThrownBy(() -> new FrameIndex(FRAME, new long[] {40, 40})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameIndex(FRAME, new long[] {40})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameIndex(0, new long[] {40, 50})).isInstanceOf(IllegalArgumentException.class);
    }
}
