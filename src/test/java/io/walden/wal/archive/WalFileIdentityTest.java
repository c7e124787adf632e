package io.walden.wal.archive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

class WalFileIdentityTest {
    @TempDir
    Path dir;

    @Test
    void theLineIsWhatGnuStatPrintsSoBinWaldenCanCompareItWithoutAJvm() throws Exception {
        Path file = Files.write(dir.resolve("000000010000000000000001"), new byte[8192]);
        Process stat = new ProcessBuilder("stat", "-c", "%d %i %s %.9Y %.9Z", file.toString()).start();
        String printed = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(stat.waitFor()).isZero();
        assertThat(WalFileIdentity.of(file).line()).isEqualTo(printed);
    }

    @Test
    void parsesItsOwnLineAndNothingElse() throws Exception {
        WalFileIdentity id = WalFileIdentity.of(Files.write(dir.resolve("f"), new byte[10]));
        assertThat(WalFileIdentity.parse(id.line())).contains(id);
        assertThat(WalFileIdentity.parse("")).isEmpty();
        assertThat(WalFileIdentity.parse("1 2 3 4 5")).isEmpty();
        assertThat(WalFileIdentity.parse("1 2 3 4.5 6.000000007")).isEmpty();
        assertThat(WalFileIdentity.parse("1 2 x 4.000000005 6.000000007")).isEmpty();
    }

    @Test
    void rewritingOrReplacingAFileChangesItsIdentityEvenWithTheSameSizeAndModificationTime() throws Exception {
        Path file = Files.write(dir.resolve("seg"), new byte[4096]);
        WalFileIdentity original = WalFileIdentity.of(file);
        FileTime mtime = Files.getLastModifiedTime(file);

        byte[] other = new byte[4096];
        other[100] = 1;
        Files.write(file, other);
        Files.setLastModifiedTime(file, mtime);
        assertThat(WalFileIdentity.of(file)).as("rewritten in place, mtime put back").isNotEqualTo(original);

        Path copy = Files.copy(file, dir.resolve("copy"));
        Files.setLastModifiedTime(copy, mtime);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
        WalFileIdentity replaced = WalFileIdentity.of(file);
        assertThat(replaced.inode()).isNotEqualTo(original.inode());
        assertThat(replaced.size()).isEqualTo(original.size());
        assertThat(replaced.modified()).isEqualTo(original.modified());
        assertThat(replaced).isNotEqualTo(original);
    }
}
