package io.walden.storage;

import java.nio.file.Path;

class LocalStorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage(Path tempDir) {
        return new LocalStorage(tempDir.resolve("repo"));
    }
}
