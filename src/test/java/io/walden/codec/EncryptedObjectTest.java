package io.walden.codec;

import io.walden.error.CorruptObjectException;
import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptedObjectTest {
    private static final String KEY = "backups/20260213T150000Z/data/000001";
    private static final Keyring KEYS = Keyring.generate("test keyset");

    private static byte[] encode(ObjectCodec codec, String key, byte[] plain) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (ObjectEncoder enc = codec.encoder(sink, key, "{\"type\":\"data\"}")) {
            enc.write(plain);
        }
        return sink.toByteArray();
    }

    private static byte[] decode(ObjectCodec codec, String key, byte[] object) throws IOException {
        try (ObjectDecoder in = codec.decoder(new ByteArrayInputStream(object), key)) {
            return in.readAllBytes();
        }
    }

    private static ObjectCodec encrypting(Compression c, Keyring keys) {
        return new ObjectCodec(c, c.defaultLevel(), Optional.of(keys));
    }

    private static byte[] text(int n) {
        byte[] b = new byte[n];
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ("PostgreSQL page data ".charAt(i % 21) + (r.nextInt(50) == 0 ? 1 : 0));
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripRecordsThePrimaryKeyAndHidesThePlaintext(Compression c) throws IOException {
        byte[] plain = text(3 * 1024 * 1024 + 5);
        byte[] object = encode(encrypting(c, KEYS), KEY, plain);
        assertThat(decode(encrypting(c, KEYS), KEY, object)).isEqualTo(plain);
        ObjectHeader header = ObjectHeader.readFixed(Arrays.copyOf(object, ObjectHeader.FIXED_LENGTH), KEY);
        assertThat(header.keyId()).isEqualTo(KEYS.primaryKeyId());
        assertThat(header.compression()).isEqualTo(c);
        String stored = new String(object, StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("PostgreSQL page");
    }

    @Test
    void aKeyringWithoutTheKeyNamesTheKeyTheObjectNeeds() throws IOException {
        byte[] object = encode(encrypting(Compression.ZSTD, KEYS), KEY, text(1000));
        Keyring other = Keyring.generate("other.keyset");
        String id = Keyring.formatId(KEYS.primaryKeyId());
        assertThatThrownBy(() -> decode(encrypting(Compression.ZSTD, other), KEY, object))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith(KEY + " is encrypted with key " + id + ", which is not in the keyset from other.keyset")
                .satisfies(t -> assertThat(((WaldenException) t).hint()).contains("holds key " + id));
        assertThatThrownBy(() -> decode(ObjectCodec.defaults(), KEY, object))
                .isInstanceOf(WaldenException.class)
                .hasMessage(KEY + " is encrypted with key " + id + ", and no key was given");
    }

    @Test
    void afterRotationOldObjectsStayReadableAndNewOnesUseTheNewKey() throws IOException {
        byte[] old = encode(encrypting(Compression.ZSTD, KEYS), KEY, text(5000));
        Keyring rotated = KEYS.rotate();
        assertThat(rotated.keyIds()).hasSize(2).contains(KEYS.primaryKeyId());
        assertThat(rotated.primaryKeyId()).isNotEqualTo(KEYS.primaryKeyId()).isNotZero();
        byte[] fresh = encode(encrypting(Compression.ZSTD, rotated), KEY, text(5000));
        assertThat(ObjectHeader.readFixed(fresh, KEY).keyId()).isEqualTo(rotated.primaryKeyId());
        assertThat(decode(encrypting(Compression.ZSTD, rotated), KEY, old)).isEqualTo(text(5000));
        assertThat(decode(encrypting(Compression.ZSTD, rotated), KEY, fresh)).isEqualTo(text(5000));
        assertThatThrownBy(() -> decode(encrypting(Compression.ZSTD, KEYS), KEY, fresh))
                .hasMessageContaining("which is not in the keyset");
    }

    @Test
    void anObjectMovedToAnotherNameFailsAuthentication() throws IOException {
        byte[] object = encode(encrypting(Compression.ZSTD, KEYS), KEY, text(1000));
        String other = "backups/20260213T150000Z/data/000002";
        assertThatThrownBy(() -> decode(encrypting(Compression.ZSTD, KEYS), other, object))
                .isInstanceOf(CorruptObjectException.class).hasMessageStartingWith(other + " ");
    }

    @Test
    void editedMetadataFailsAuthentication() throws IOException {
        byte[] object = encode(encrypting(Compression.NONE, KEYS), KEY, text(1000));
        int at = ObjectHeader.FIXED_LENGTH + 2; // inside {"type":"data"}
        object[at] = (byte) (object[at] == 'y' ? 'z' : 'y');
        assertThatThrownBy(() -> decode(encrypting(Compression.NONE, KEYS), KEY, object))
                .isInstanceOf(CorruptObjectException.class);
    }

    @Test
    void everyFlippedCiphertextByteIsDetected() throws IOException {
        byte[] good = encode(encrypting(Compression.NONE, KEYS), KEY, text(2000));
        int bodyStart = ObjectHeader.FIXED_LENGTH + "{\"type\":\"data\"}".length() + 4;
        int bodyEnd = good.length - ObjectTrailer.LENGTH - 4;
        for (int pos = bodyStart; pos < bodyEnd; pos += 7) {
            byte[] b = good.clone();
            b[pos] ^= 0x10;
            assertThatThrownBy(() -> decode(encrypting(Compression.NONE, KEYS), KEY, b)).as("flip at %d", pos)
                    .isInstanceOf(CorruptObjectException.class);
        }
    }

    @Test
    void aTruncatedEncryptedObjectIsDetected() throws IOException {
        byte[] good = encode(encrypting(Compression.ZSTD, KEYS), KEY, text(200_000));
        for (int cut : new int[] {ObjectHeader.FIXED_LENGTH + 5, good.length / 2, good.length - ObjectTrailer.LENGTH - 1, good.length - 1}) {
            byte[] b = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> decode(encrypting(Compression.ZSTD, KEYS), KEY, b)).as("cut at %d", cut)
                    .isInstanceOf(CorruptObjectException.class);
        }
    }

    @Test
    void aKeyringReadsPlainObjectsToo() throws IOException {
        byte[] plainObject = encode(ObjectCodec.defaults(), KEY, text(1000));
        assertThat(decode(encrypting(Compression.ZSTD, KEYS), KEY, plainObject)).isEqualTo(text(1000));
    }

    @Test
    void keysetJsonRoundTripsAndNeverShowsInMessages() {
        Keyring parsed = Keyring.parse(KEYS.toJson(), "copy");
        assertThat(parsed.keyIds()).isEqualTo(KEYS.keyIds());
        assertThat(KEYS.toString()).contains(Keyring.formatId(KEYS.primaryKeyId()));
        for (String secret : KeyMaterial.secrets(KEYS)) {
            assertThat(KEYS.toString()).doesNotContain(secret);
        }
        String secretLooking = "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"value\": \"c2VjcmV0c2VjcmV0\"}}]}";
        assertThatThrownBy(() -> Keyring.parse(secretLooking, "WALDEN_ENCRYPTION_KEY"))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith("WALDEN_ENCRYPTION_KEY is not a walden keyset")
                .satisfies(t -> assertThat(t.getMessage()).doesNotContain("c2VjcmV0"));
    }
}
