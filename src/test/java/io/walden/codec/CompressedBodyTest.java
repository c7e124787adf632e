package io.walden.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** A body compressed and hashed ahead of writing makes the same object as the streaming encoder. */
class CompressedBodyTest {
    private static final String KEY = "wal/0000000100000000/000000010000000000000003";
    private static final String META = "{\"type\":\"wal\",\"name\":\"000000010000000000000003\",\"summary\":null}";

    @ParameterizedTest
    @EnumSource(Compression.class)
    void theObjectIsByteForByteWhatTheStreamingEncoderWrites(Compression compression) throws Exception {
        byte[] plain = segmentLike(3 * ChunkedOutputStream.CHUNK + 12345);
        ObjectCodec codec = new ObjectCodec(compression, compression.defaultLevel(), Optional.empty());
        ExecutorService cpu = Executors.newFixedThreadPool(2);
        try {
            byte[] buffer = Arrays.copyOf(plain, plain.length + 999); // only the given length counts
            CompressedBody body = codec.compress(buffer, plain.length, cpu).join();
            ByteArrayOutputStream ahead = new ByteArrayOutputStream();
            codec.write(ahead, KEY, META, body);

            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            ObjectTrailer trailer;
            try (ObjectEncoder encoder = codec.encoder(streamed, KEY, META)) {
                encoder.write(plain);
                trailer = encoder.finish();
            }
            assertThat(ahead.toByteArray()).isEqualTo(streamed.toByteArray());
            assertThat(body.trailer().sha256()).isEqualTo(trailer.sha256());
            assertThat(body.trailer().plainLength()).isEqualTo(plain.length);
        } finally {
            cpu.shutdown();
        }
    }

    @Test
    void anEncryptedObjectMadeFromACompressedBodyDecryptsToThePlaintext() throws IOException {
        Keyring keys = Keyring.generate("test keyset");
        ObjectCodec codec = new ObjectCodec(Compression.ZSTD, 1, Optional.of(keys));
        byte[] plain = segmentLike(2 * ChunkedOutputStream.CHUNK + 7);
        ExecutorService cpu = Executors.newFixedThreadPool(2);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            codec.write(out, KEY, META, codec.compress(plain, plain.length, cpu).join());
            try (ObjectDecoder in = codec.decoder(new ByteArrayInputStream(out.toByteArray()), KEY)) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
                assertThat(in.header().keyId()).isEqualTo(keys.primaryKeyId());
                assertThat(in.header().metadata()).isEqualTo(META);
            }
        } finally {
            cpu.shutdown();
        }
    }

    @Test
    void onSeveralThreadsBothWaysOfWritingDecodeToThePlaintext() throws IOException {
        ObjectCodec codec = ObjectCodec.defaults().withWorkers(2);
        byte[] plain = segmentLike(16 << 20); // several of zstd's jobs
        ExecutorService cpu = Executors.newFixedThreadPool(2);
        try {
            ByteArrayOutputStream ahead = new ByteArrayOutputStream();
            codec.write(ahead, KEY, META, codec.compress(plain, plain.length, cpu).join());
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            try (ObjectEncoder encoder = codec.encoder(streamed, KEY, META)) {
                encoder.write(plain);
            }
            // the streaming encoder writes independent frames on several threads, zstd's own threads one frame
            for (byte[] object : java.util.List.of(ahead.toByteArray(), streamed.toByteArray())) {
                try (ObjectDecoder in = codec.decoder(new ByteArrayInputStream(object), KEY)) {
                    assertThat(in.readAllBytes()).isEqualTo(plain);
                    assertThat(in.verifyToEnd().sha256()).isEqualTo(Digests.sha256().digest(plain));
                }
            }
        } finally {
            cpu.shutdown();
        }
    }

    /** Pages of mostly zeros with some varied bytes, like a WAL segment: compressible, not trivially. */
    private static byte[] segmentLike(int length) {
        byte[] b = new byte[length];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < length; i += 97) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }
}
