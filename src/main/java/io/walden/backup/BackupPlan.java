package io.walden.backup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How PGDATA's files are grouped into data objects: a large file is an object of its own; small files
 * are packed into bundles, so a cluster with thousands of tiny catalog files does not become thousands
 * of tiny objects. Largest work first, so parallel workers finish together.
 */
public record BackupPlan(List<Unit> units) {

    /** One data object to write: a single file, or a bundle of several. */
    public record Unit(String objectName, List<SourceFile> files, boolean bundle) {
        public long bytes() {
            return files.stream().mapToLong(SourceFile::size).sum();
        }
    }

    public static final long LARGE_FILE = 1024 * 1024;
    public static final long BUNDLE_LIMIT = 8 * 1024 * 1024;

    public static BackupPlan of(List<SourceFile> files) {
        List<SourceFile> large = new ArrayList<>();
        List<SourceFile> small = new ArrayList<>();
        for (SourceFile f : files) {
            if (f.size() == 0) {
                continue; // recorded in the manifest, no object needed
            }
            (f.size() >= LARGE_FILE ? large : small).add(f);
        }
        large.sort(Comparator.comparingLong(SourceFile::size).reversed());
        small.sort(Comparator.comparing(SourceFile::path));

        List<Unit> units = new ArrayList<>();
        int n = 0;
        for (SourceFile f : large) {
            units.add(new Unit(String.format("%06d", ++n), List.of(f), false));
        }
        List<SourceFile> bundle = new ArrayList<>();
        long bundled = 0;
        for (SourceFile f : small) {
            if (!bundle.isEmpty() && bundled + f.size() > BUNDLE_LIMIT) {
                units.add(new Unit(String.format("%06d", ++n), bundle, true));
                bundle = new ArrayList<>();
                bundled = 0;
            }
            bundle.add(f);
            bundled += f.size();
        }
        if (!bundle.isEmpty()) {
            units.add(new Unit(String.format("%06d", ++n), bundle, true));
        }
        return new BackupPlan(units);
    }

    public long totalBytes() {
        return units.stream().mapToLong(Unit::bytes).sum();
    }
}
