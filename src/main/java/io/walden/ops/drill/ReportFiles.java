package io.walden.ops.drill;

import io.walden.error.UsageException;
import io.walden.repo.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Where a drill's report goes: checked before the drill starts, written (Markdown, JSON, HTML) when it ends. */
public final class ReportFiles {
    private final Path dir;

    private ReportFiles(Path dir) {
        this.dir = dir;
    }

    /** Refuses a directory the report cannot be written to, before anything is restored. */
    public static ReportFiles in(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        Path existing = Files.exists(d) ? d : d.getParent();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new UsageException("the report directory " + d + " is a file", "give --report a directory");
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new UsageException("cannot write the drill report in " + d + (Files.exists(d) ? "" : " (its parent does not exist or is not writable)"),
                    "give --report a directory you can write to");
        }
        return new ReportFiles(d);
    }

    public Path dir() {
        return dir;
    }

    /** Writes drill-ID.md, .json and .html; returns their paths. */
    public List<Path> write(DrillReport report) throws IOException {
        Files.createDirectories(dir);
        String base = "drill-" + report.id();
        Path md = dir.resolve(base + ".md");
        Path json = dir.resolve(base + ".json");
        Path html = dir.resolve(base + ".html");
        Files.writeString(md, ReportRenderer.markdown(report), StandardOpenOption.CREATE_NEW);
        Files.write(json, Json.mapper().writeValueAsBytes(report), StandardOpenOption.CREATE_NEW);
        Files.writeString(html, ReportRenderer.html(report), StandardOpenOption.CREATE_NEW);
        return List.of(md, json, html);
    }
}
