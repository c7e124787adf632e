package io.walden.storage.s3;

import io.walden.error.WaldenException;
import io.walden.storage.PendingObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A wrong bucket, wrong credentials or a wrong endpoint fail at once, with what to change. */
class S3StorageMisconfigurationTest {
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
    }

    private static void write(S3Storage storage, String key) throws IOException {
        try (PendingObject p = storage.create(key)) {
            p.stream().write(new byte[] {1, 2, 3});
            p.commit();
        }
    }

    private static WaldenException fails(Executable action) {
        return assertThrows(WaldenException.class, action);
    }

    @Test
    void aMissingBucketIsNamed() {
        try (S3Storage storage = server.storage(server.settings(), new S3Location("no-such-bucket-here", "pg"))) {
            for (Executable action : new Executable[] {
                    () -> write(storage, "k"),
                    () -> storage.stat("k"),
                    () -> storage.open("k"),
                    () -> storage.list(""),
            }) {
                WaldenException e = fails(action);
                assertThat(e.getMessage()).contains("bucket 'no-such-bucket-here' does not exist");
                assertThat(e.hint()).contains("create the bucket").contains("--repo");
            }
        }
    }

    @Test
    void refusedCredentialsAreReportedWithWhereTheyComeFrom() {
        StaticCredentialsProvider wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create("walden-nobody", "not-the-secret"));
        try (S3Storage storage = new S3Storage(server.freshLocation(), server.settings(), wrong)) {
            for (Executable action : new Executable[] {
                    () -> write(storage, "k"),
                    () -> storage.stat("k"),
                    () -> storage.open("k"),
                    () -> storage.list(""),
                    () -> storage.delete("k"),
            }) {
                WaldenException e = fails(action);
                assertThat(e.getMessage()).contains("refused access to the bucket '" + server.bucket() + "'");
                assertThat(e.hint()).contains("check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the instance role");
                assertThat(e.getMessage() + e.hint()).doesNotContain("not-the-secret");
            }
        }
    }

    @Test
    void anEndpointWhereNothingListensIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free once closed
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Settings settings = server.settings().withEndpoint(endpoint).withRetries(2, Duration.ofMillis(1), Duration.ofMillis(1));
        try (S3Storage storage = server.storage(settings, server.freshLocation())) {
            WaldenException e = fails(() -> storage.list(""));
            assertThat(e.getMessage()).contains("cannot connect to the S3 endpoint " + endpoint);
            assertThat(e.hint()).contains("WALDEN_S3_ENDPOINT");
        }
    }
}
