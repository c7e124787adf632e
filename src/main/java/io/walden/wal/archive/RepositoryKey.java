package io.walden.wal.archive;

import io.walden.codec.Digests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The repository a spool area vouches for, in words bin/walden can form from its own command line: the
 * {@code --repo} value as given (a relative path made absolute against the working directory), and for S3
 * the endpoint, since the same bucket and prefix on another server is another repository. A marker in the
 * area named by {@link #directoryName()} says "durable in this repository", never in another one.
 *
 * <p>Two spellings of one repository ({@code /backups/main} and {@code /backups/main/}) get two areas: that
 * costs a second push of the same content, which is idempotent, never a wrong answer.
 */
public record RepositoryKey(String text) {

    /**
     * @param spec       the repository as given (flag, environment or config file)
     * @param s3Endpoint the S3 endpoint as given, or null for AWS
     * @param workingDir where a relative path is resolved from (the process's physical working directory)
     */
    public static RepositoryKey of(String spec, String s3Endpoint, Path workingDir) {
        if (spec.startsWith("s3://")) {
            return new RepositoryKey(spec + " " + (s3Endpoint == null || s3Endpoint.isEmpty() ? "aws" : s3Endpoint));
        }
        if (spec.contains("://") || spec.startsWith("/")) {
            return new RepositoryKey(spec);
        }
        return new RepositoryKey(workingDir + "/" + spec);
    }

    /** The first 16 hex digits of the SHA-256 of the text and a newline (what {@code sha256sum <<<"$text"} prints). */
    public String directoryName() {
        byte[] digest = Digests.sha256().digest((text + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
