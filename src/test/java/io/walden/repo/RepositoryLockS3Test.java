package io.walden.repo;

import io.walden.storage.Storage;
import io.walden.storage.s3.S3TestEndpoint;

class RepositoryLockS3Test extends RepositoryLockTest {
    @Override
    protected Storage newStorage() {
        return S3TestEndpoint.shared().storage("lock-" + System.nanoTime());
    }
}
