package io.walden.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** The secret part of a keyset (each key's serialized key data), for tests that prove it is never written out. */
public final class KeyMaterial {
    private KeyMaterial() {
    }

    public static List<String> secrets(Keyring keyring) {
        try {
            JsonNode keyset = new ObjectMapper().readTree(keyring.toJson());
            List<String> values = new ArrayList<>();
            keyset.path("key").forEach(k -> values.add(k.path("keyData").path("value").asText()));
            if (values.isEmpty() || values.stream().anyMatch(v -> v.length() < 20)) {
                throw new IllegalStateException("no key material found in the keyset JSON");
            }
            return values;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
