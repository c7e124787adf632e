package io.walden.storage.s3;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3LocationTest {

    @Test
    void parsesBucketAndPrefix() {
        S3Location l = S3Location.parse("s3://acme-backups/pg/main");
        assertThat(l.bucket()).isEqualTo("acme-backups");
        assertThat(l.prefix()).isEqualTo("pg/main");
        assertThat(l.key("wal/1")).isEqualTo("pg/main/wal/1");
        assertThat(l.keyPrefix()).isEqualTo("pg/main/");
        assertThat(l.relative("pg/main/wal/1")).isEqualTo("wal/1");
        assertThat(l).hasToString("s3://acme-backups/pg/main");
    }

    @Test
    void trailingSlashesAndAnEmptyPrefixAreNormalised() {
        assertThat(S3Location.parse("s3://acme-backups/pg/main/")).isEqualTo(S3Location.parse("s3://acme-backups/pg/main"));
        for (String spec : new String[] {"s3://acme-backups", "s3://acme-backups/", "s3://acme-backups//"}) {
            S3Location l = S3Location.parse(spec);
            assertThat(l.prefix()).as(spec).isEmpty();
            assertThat(l.key("wal/1")).isEqualTo("wal/1");
            assertThat(l.keyPrefix()).isEmpty();
            assertThat(l).hasToString("s3://acme-backups");
        }
    }

    @Test
    void refusesWhatS3WouldRefuseOrWhatIsAmbiguous() {
        for (String spec : new String[] {
                "acme-backups/pg", "file:///var/backups", "s3://", "s3:///pg", "s3://Acme-Backups/pg", "s3://ab",
                "s3://acme_backups", "s3://-acme", "s3://acme-", "s3://acme..backups", "s3://192.168.1.10",
                "s3://" + "a".repeat(64), "s3://acme/pg//main", "s3://acme/pg/../main", "s3://acme/./pg",
        }) {
            assertThatThrownBy(() -> S3Location.parse(spec)).as(spec)
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("is not a usable S3 repository address")
                    .satisfies(e -> assertThat(((UsageException) e).hint()).contains("s3://BUCKET/PREFIX"));
        }
        assertThatThrownBy(() -> S3Location.parse("s3://Acme/pg")).hasMessageContaining("'Acme' is not a valid bucket name");
        assertThatThrownBy(() -> S3Location.parse("s3:///pg")).hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> new S3Location("UPPER", "x")).isInstanceOf(UsageException.class);
    }

    @Test
    void acceptsTheNamesS3Accepts() {
        for (String bucket : new String[] {"abc", "acme.backups.eu", "0-9", "a".repeat(63)}) {
            assertThat(S3Location.parse("s3://" + bucket + "/x").bucket()).isEqualTo(bucket);
        }
    }
}
