package io.walden.restore;

import io.walden.error.CorruptObjectException;
import io.walden.error.WaldenException;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest;
import io.walden.repo.Manifest.FileEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How each file of a backup is rebuilt: first its whole content from one object, then, for a file an
 * incremental backup stored as changed blocks, the blocks of each backup of its chain, oldest first.
 */
final class FileChains {

    /**
     * A stretch of data object {@code object} of backup {@code backup}: the whole file ({@code blocks} null)
     * or the listed blocks. {@code fileSize}: the file's size once this piece is applied. A null object is
     * an empty file.
     */
    record Piece(String backup, String object, long offset, long length, int[] blocks, long fileSize) {
        boolean whole() {
            return blocks == null;
        }
    }

    /** The file as the restored backup has it, and the pieces that rebuild it. */
    record Chain(FileEntry file, List<Piece> pieces) {
        boolean rebuilt() {
            return pieces.size() > 1;
        }
    }

    private final Function<String, Manifest> manifests;
    private final Map<String, Map<String, FileEntry>> filesByBackup = new HashMap<>();

    /** @param manifests the repository's backups by id (null for one that is missing) */
    FileChains(Function<String, Manifest> manifests) {
        this.manifests = manifests;
    }

    Chain of(Manifest backup, FileEntry file) {
        List<Piece> pieces = new ArrayList<>();
        FileEntry current = file;
        Manifest holder = backup;
        while (true) {
            int[] blocks = current.isDelta() ? BlockRanges.parse(current.blocks()) : null;
            long length = blocks == null ? current.size() : BlockRanges.storedLength(blocks, current.size());
            pieces.add(new Piece(current.object() == null ? null : current.objectBackup(holder.id()), current.object(),
                    current.offset(), length, blocks, current.size()));
            if (!current.isDelta()) {
                break;
            }
            if (pieces.size() > 10_000) {
                throw new CorruptObjectException("file " + file.path() + " of backup " + backup.id() + " has a chain of backups without end");
            }
            Manifest base = manifests.apply(current.base());
            if (base == null) {
                throw new WaldenException("backup " + backup.id() + " is incremental and needs backup " + current.base()
                        + ", which is not in the repository", "restore an older full backup (--backup ID, see 'walden list')");
            }
            FileEntry under = files(base).get(file.path());
            if (under == null) {
                throw new CorruptObjectException("file " + file.path() + " of backup " + backup.id() + " builds on backup "
                        + base.id() + ", which does not have it");
            }
            current = under;
            holder = base;
        }
        Collections.reverse(pieces);
        return new Chain(file, pieces);
    }

    private Map<String, FileEntry> files(Manifest m) {
        return filesByBackup.computeIfAbsent(m.id(), id -> {
            Map<String, FileEntry> out = new HashMap<>();
            m.files().forEach(f -> out.put(f.path(), f));
            return out;
        });
    }
}
