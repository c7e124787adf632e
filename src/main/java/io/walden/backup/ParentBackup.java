package io.walden.backup;

import io.walden.repo.Manifest;
import io.walden.repo.Manifest.FileEntry;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The backup an incremental one is taken against, with its files by path. */
record ParentBackup(Manifest manifest, Map<String, FileEntry> files) {

    static ParentBackup of(Manifest manifest) {
        Map<String, FileEntry> files = new HashMap<>();
        for (FileEntry f : manifest.files()) {
            files.put(f.path(), f);
        }
        return new ParentBackup(manifest, Map.copyOf(files));
    }

    String id() {
        return manifest.id();
    }

    Optional<FileEntry> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** This backup's file, unchanged, as an entry of the new backup: same bytes, wherever they are stored. */
    FileEntry unchanged(FileEntry before, int mode) {
        return new FileEntry(before.path(), before.size(), mode, before.sha256(), before.object(), before.offset(),
                before.object() == null ? null : before.objectBackup(id()), before.base(), before.blocks(), before.blockMap());
    }
}
