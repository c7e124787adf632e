package io.walden.backup;

import io.walden.repo.Manifest.DirEntry;

import java.util.List;

/** What a scan of PGDATA found: the folders to recreate and the files to copy. */
public record PgdataScan(List<DirEntry> directories, List<SourceFile> files) {
    public long totalBytes() {
        return files.stream().mapToLong(SourceFile::size).sum();
    }
}
