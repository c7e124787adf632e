package io.walden.storage.s3;

import java.net.URI;
import java.util.Map;

/**
 * The in-process S3 server as other test packages see it: where it is, a bucket, and the environment a
 * walden command (or PostgreSQL's archive_command) needs to reach it. Credentials are made up per run.
 */
public record S3TestEndpoint(URI endpoint, String bucket, String accessKey, String secretKey) {

    public static S3TestEndpoint shared() {
        try {
            S3TestServer s = S3TestServer.shared();
            return new S3TestEndpoint(s.endpoint(), s.bucket(), s.accessKey(), s.secretKey());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the S3 test server: " + e.getMessage(), e);
        }
    }

    /** s3://bucket/prefix for a repository under {@code prefix}. */
    public String repo(String prefix) {
        return "s3://" + bucket + "/" + prefix;
    }

    /** A storage on a fresh prefix, with this server's credentials and quick retries. */
    public S3Storage storage(String prefix) {
        try {
            S3TestServer server = S3TestServer.shared();
            return server.storage(server.settings(), new S3Location(bucket, prefix));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey,
                "WALDEN_S3_ENDPOINT", endpoint.toString());
    }
}
