package io.walden.codec;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.walden.error.WaldenException;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of encryption keys (a Tink keyset of AES-256-GCM-HKDF streaming keys): the primary key encrypts
 * new objects, every key in the set can decrypt the objects it wrote. Rotation adds a new primary and
 * keeps the old keys, so old objects stay readable. Key ids are what object headers record.
 */
public final class Keyring {
    /** The algorithm name recorded in repository identities. */
    public static final String ALGORITHM = "aes256-gcm-hkdf-1mb";

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle keyset;
    private final String source;
    private final StreamingAead aead;

    private Keyring(KeysetHandle keyset, String source) throws GeneralSecurityException {
        this.keyset = keyset;
        this.source = source;
        for (int i = 0; i < keyset.size(); i++) {
            if (!(keyset.getAt(i).getKey().getParameters() instanceof AesGcmHkdfStreamingParameters)) {
                throw new GeneralSecurityException("key " + Integer.toUnsignedString(keyset.getAt(i).getId())
                        + " is not an AES-GCM-HKDF streaming key");
            }
        }
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    }

    /** A new keyring with one key. Key id 0 means "not encrypted" in object headers, so it is never used. */
    public static Keyring generate(String source) {
        try {
            KeysetHandle handle;
            do {
                handle = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            } while (handle.getPrimary().getId() == 0);
            return new Keyring(handle, source);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key: " + e.getMessage(), e);
        }
    }

    /** Parses a keyset in Tink's JSON format; {@code source} names where it came from, for messages. */
    public static Keyring parse(String json, String source) {
        try {
            return new Keyring(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()), source);
        } catch (GeneralSecurityException | RuntimeException e) {
            // never echo the content: it is secret
            throw new WaldenException(source + " is not a walden keyset (" + describe(e) + ")",
                    "create one with 'walden key generate FILE'");
        }
    }

    /** A copy with a new primary key; the old keys stay for decryption. */
    public Keyring rotate() {
        try {
            KeysetHandle rotated;
            do {
                KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
                // makePrimary moves the primary mark off the old key
                builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB)
                        .withRandomId().makePrimary());
                rotated = builder.build();
            } while (rotated.getPrimary().getId() == 0 || idCount(rotated) != rotated.size());
            return new Keyring(rotated, source);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot rotate the keyset: " + e.getMessage(), e);
        }
    }

    /** The keyset as Tink JSON, secret material included: only for writing the owner's key file. */
    public String toJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialize the keyset: " + e.getMessage(), e);
        }
    }

    public int primaryKeyId() {
        return keyset.getPrimary().getId();
    }

    /** Every key id, in keyset order. */
    public List<Integer> keyIds() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            ids.add(keyset.getAt(i).getId());
        }
        return ids;
    }

    public boolean contains(int keyId) {
        return keyIds().contains(keyId);
    }

    public String source() {
        return source;
    }

    StreamingAead aead() {
        return aead;
    }

    public static String formatId(int keyId) {
        return Integer.toUnsignedString(keyId);
    }

    @Override
    public String toString() {
        return "keyring from " + source + " (primary key " + formatId(primaryKeyId()) + ")"; // never the keys
    }

    private static int idCount(KeysetHandle handle) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (int i = 0; i < handle.size(); i++) {
            ids.add(handle.getAt(i).getId());
        }
        return ids.size();
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null || m.length() > 120) {
            return e.getClass().getSimpleName();
        }
        return m;
    }
}
