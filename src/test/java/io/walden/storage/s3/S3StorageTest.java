package io.walden.storage.s3;

import io.walden.storage.Storage;
import io.walden.storage.StorageContractTest;

import java.nio.file.Path;

/** The storage contract, kept by S3Storage against an in-process S3 server (a new prefix per test). */
class S3StorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage(Path tempDir) throws Exception {
        return S3TestServer.shared().storage();
    }
}
