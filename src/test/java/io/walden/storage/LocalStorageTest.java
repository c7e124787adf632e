package io.walden.storage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage(Path tempDir) {
        return new LocalStorage(tempDir.resolve("repo"));
    }

    @Test
    void deletingTheLastObjectOfAFolderRemovesTheEmptyFoldersButNotTheRoot() throws IOException {
        put("backups/X/data/000001", "a");
        put("backups/X/manifest.json", "b");
        put("walden.json", "c");
        storage.delete("backups/X/data/000001");
        assertThat(tempDir.resolve("repo/backups/X/data")).doesNotExist();
        assertThat(tempDir.resolve("repo/backups/X")).exists();
        storage.delete("backups/X/manifest.json");
        assertThat(tempDir.resolve("repo/backups")).doesNotExist();
        storage.delete("walden.json");
        assertThat(tempDir.resolve("repo")).isDirectory();
        put("backups/Y/data/000001", "again");
        assertThat(Files.exists(tempDir.resolve("repo/backups/Y/data/000001"))).isTrue();
    }
}
