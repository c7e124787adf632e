package io.walden.wal.archive;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryKeyTest {
    private static final Path CWD = Path.of("/var/lib/postgresql/15/main");

    @Test
    void aLocalPathIsTheRepositoryAndARelativeOneIsResolvedFromTheWorkingDirectory() {
        assertThat(RepositoryKey.of("/backups/main", null, CWD).text()).isEqualTo("/backups/main");
        assertThat(RepositoryKey.of("file:///backups/main", null, CWD).text()).isEqualTo("file:///backups/main");
        assertThat(RepositoryKey.of("../repo", null, CWD).text()).isEqualTo("/var/lib/postgresql/15/main/../repo");
    }

    @Test
    void anS3RepositoryIsItsBucketAndPrefixOnOneEndpoint() {
        RepositoryKey aws = RepositoryKey.of("s3://b/main/15", null, CWD);
        RepositoryKey minio = RepositoryKey.of("s3://b/main/15", "http://127.0.0.1:9000", CWD);
        assertThat(aws.text()).isEqualTo("s3://b/main/15 aws");
        assertThat(RepositoryKey.of("s3://b/main/15", "", CWD)).isEqualTo(aws);
        assertThat(minio.text()).isEqualTo("s3://b/main/15 http://127.0.0.1:9000");
        assertThat(minio.directoryName()).isNotEqualTo(aws.directoryName());
    }

    @Test
    void theDirectoryNameIsSixteenHexDigitsOfTheKeysDigest() {
        assertThat(RepositoryKey.of("/backups/main", null, CWD).directoryName()).matches("[0-9a-f]{16}")
                .isNotEqualTo(RepositoryKey.of("/backups/other", null, CWD).directoryName());
    }
}
