package io.walden.storage.s3;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3SettingsTest {

    @Test
    void defaultsAreForAwsWithTheRegionFromTheChain() {
        S3Settings d = S3Settings.defaults();
        assertThat(d.endpoint()).isNull();
        assertThat(d.pathStyle()).isFalse();
        assertThat(d.fixedRegion()).as("asks the AWS default region chain").isNull();
        assertThat(d.partSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(d.maxConcurrency()).isEqualTo(4);
        assertThat(d.maxAttempts()).isEqualTo(8);
        assertThat(d.withRegion("eu-west-1").fixedRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void anEndpointMeansPathStyleAndUsEast1UnlessSaidOtherwise() {
        S3Settings minio = S3Settings.defaults().withEndpoint(URI.create("http://127.0.0.1:9000"));
        assertThat(minio.pathStyle()).isTrue();
        assertThat(minio.fixedRegion()).isEqualTo("us-east-1");
        assertThat(minio.withRegion("eu-central-1").fixedRegion()).isEqualTo("eu-central-1");
        assertThat(minio.withPathStyle(false).pathStyle()).isFalse();
        assertThat(minio.withRegion(" ").fixedRegion()).isEqualTo("us-east-1");
    }

    @Test
    void storageClassIsCheckedAndNormalised() {
        assertThat(S3Settings.defaults().withStorageClass("standard_ia").storageClass()).isEqualTo("STANDARD_IA");
        assertThat(S3Settings.defaults().withStorageClass("").storageClass()).isNull();
        assertThatThrownBy(() -> S3Settings.defaults().withStorageClass("COLD_AS_ICE"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GLACIER");
    }

    @Test
    void refusesWhatS3OrMemoryCannotTake() {
        assertThatThrownBy(() -> S3Settings.defaults().withPartSize(5 * 1024 * 1024 - 1)).hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> S3Settings.defaults().withMaxConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> S3Settings.defaults().withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> S3Settings.defaults().withRetries(3, Duration.ZERO, Duration.ofMillis(1))).hasMessageContaining("positive");
        assertThatThrownBy(() -> S3Settings.defaults().withEndpoint(URI.create("ftp://host"))).hasMessageContaining("http://");
        assertThatThrownBy(() -> S3Settings.defaults().withTimeouts(Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
