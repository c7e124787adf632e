package io.walden.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the one checksum walden uses for files and objects. */
public final class Digests {
    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
