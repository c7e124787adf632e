package io.walden.storage;

import io.walden.error.UsageException;
import io.walden.storage.s3.S3Location;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where a repository is, as the user wrote it: a local path, file:///path or s3://bucket/prefix. */
public sealed interface StorageAddress {

    record Local(Path path) implements StorageAddress {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    record S3(S3Location location) implements StorageAddress {
        @Override
        public String toString() {
            return location.toString();
        }
    }

    /** {@code flag} names the option the address came from, for messages. */
    static StorageAddress parse(String spec, String flag) {
        if (spec == null || spec.isBlank()) {
            throw new UsageException("no repository given", "pass " + flag + " PATH, or set WALDEN_REPO");
        }
        if (spec.startsWith("s3://")) {
            try {
                return new S3(S3Location.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), "write it as s3://bucket/prefix, e.g. s3://backups/main/15");
            }
        }
        if (spec.startsWith("file://")) {
            try {
                return new Local(Path.of(new URI(spec)).toAbsolutePath().normalize());
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new UsageException("'" + spec + "' is not a valid file:// address", "write it as file:///path/to/repo");
            }
        }
        if (spec.contains("://")) {
            throw new UsageException("unknown repository address '" + spec + "'", "give a local path, file:///path or s3://bucket/prefix");
        }
        return new Local(Path.of(spec).toAbsolutePath().normalize());
    }
}
