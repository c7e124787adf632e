package io.walden.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/walden keeps a class archive per command so that a start skips most class loading. The JVM refuses an
 * archive made with another jar without making it again: the launcher must name the archive after the jar, use
 * it on the next start, and remove the archives of older jars.
 */
class LauncherIT {

    @Test
    void eachCommandGetsAnArchiveOfThisJarWhichTheNextStartUsesAndOlderOnesGo() throws Exception {
        Path target = ScriptRun.project().resolve("target");
        Path jar = target.resolve("walden.jar");
        int major = Runtime.version().feature();
        Path older = target.resolve("walden-version-java" + major + "-1-1.jsa");
        Path legacy = target.resolve("walden-version-java" + major + ".jsa");
        Files.writeString(older, "an archive of another jar");
        Files.writeString(legacy, "an archive named before jars were");

        ScriptRun first = ScriptRun.bash("bin/walden", Map.of(), "version");
        assertThat(first.exit()).as(first.toString()).isZero();

        long stamp = Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS);
        Path archive = target.resolve("walden-version-java" + major + "-" + stamp + "-" + Files.size(jar) + ".jsa");
        assertThat(archive).as("the archive of this jar").exists();
        assertThat(older).doesNotExist();
        assertThat(legacy).doesNotExist();

        FileTime made = Files.getLastModifiedTime(archive);
        ScriptRun second = ScriptRun.bash("bin/walden", Map.of("WALDEN_JAVA_OPTS", "-Xlog:class+load=info"), "version");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).as("walden's own classes come from the archive")
                .containsPattern("io\\.walden\\.cli\\.Main source: shared objects file \\(top\\)");
        assertThat(Files.getLastModifiedTime(archive)).as("used, not made again").isEqualTo(made);

        // an option's value that happens to be a command's name does not make it the command
        Map<String, FileTime> backupArchives = archives(target, "walden-backup-java" + major + "-");
        ScriptRun third = ScriptRun.bash("bin/walden", Map.of(), "--repo", "backup", "version");
        assertThat(third.exit()).as(third.toString()).isZero();
        assertThat(archives(target, "walden-backup-java" + major + "-")).isEqualTo(backupArchives);
        assertThat(Files.getLastModifiedTime(archive)).as("the version archive served it").isEqualTo(made);
    }

    /** The archives in {@code dir} whose names start so, with their times. */
    private static Map<String, FileTime> archives(Path dir, String prefix) throws java.io.IOException {
        Map<String, FileTime> out = new java.util.TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                out.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
            }
        }
        return out;
    }
}
