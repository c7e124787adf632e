package io.walden.repo;

import io.walden.storage.s3.S3TestEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity guard on an S3 prefix: a second cluster is refused, and told to use a version-scoped prefix. */
class RepositoryIdentityS3Test {
    @Test
    void aSecondClusterOnAUsedPrefixIsRefused() throws Exception {
        S3TestEndpoint s3 = S3TestEndpoint.shared();
        String prefix = "identity-" + System.nanoTime();
        try (Repository first = new Repository(s3.storage(prefix)); Repository second = new Repository(s3.storage(prefix))) {
            first.claim(7301234567890123456L, 15, 16L << 20);
            assertThat(second.claim(7301234567890123456L, 15, 16L << 20).systemIdentifier()).isEqualTo("7301234567890123456");
            assertThatThrownBy(() -> second.claim(7300000000000000001L, 15, 16L << 20))
                    .isInstanceOf(RepositoryException.class)
                    .hasMessage("the repository at s3://" + s3.bucket() + "/" + prefix + " belongs to another cluster (system identifier "
                            + "7301234567890123456), not to this one (7300000000000000001)")
                    .satisfies(t -> assertThat(((RepositoryException) t).hint()).contains(".../<instance>/15"));
        }
    }
}
