package io.walden.codec;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysetFileTest {
    @TempDir
    Path dir;

    @Test
    void createWritesAnOwnerOnlyFileAndNeverOverwrites() throws IOException {
        Path file = dir.resolve("walden.keyset");
        Keyring keys = Keyring.generate(file.toString());
        KeysetFile.create(file, keys);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeysetFile.read(file).keyIds()).isEqualTo(keys.keyIds());
        String before = Files.readString(file);
        assertThatThrownBy(() -> KeysetFile.create(file, Keyring.generate("x")))
                .isInstanceOf(WaldenException.class)
                .hasMessage("keyset file " + file + " already exists; walden does not overwrite keys");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void replaceKeepsOldKeysAndPermissionsAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("k");
        Keyring keys = Keyring.generate(file.toString());
        KeysetFile.create(file, keys);
        Keyring rotated = KeysetFile.read(file).rotate();
        KeysetFile.replace(file, rotated);
        Keyring back = KeysetFile.read(file);
        assertThat(back.keyIds()).containsExactlyElementsOf(rotated.keyIds()).contains(keys.primaryKeyId());
        assertThat(back.primaryKeyId()).isEqualTo(rotated.primaryKeyId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("k");
        }
    }

    @Test
    void aKeysetOthersCanReadIsRefused() throws IOException {
        Path file = dir.resolve("k");
        KeysetFile.create(file, Keyring.generate(file.toString()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> KeysetFile.read(file))
                .isInstanceOf(WaldenException.class)
                .hasMessage("keyset file " + file + " is readable by other users")
                .satisfies(t -> assertThat(((WaldenException) t).hint()).isEqualTo("make it private: chmod 600 " + file));
    }

    @Test
    void aKeysetInAMissingFolderGetsAMessageNamingTheFolder() {
        Path file = dir.resolve("no/such/folder/k");
        assertThatThrownBy(() -> KeysetFile.create(file, Keyring.generate(file.toString())))
                .isInstanceOf(WaldenException.class)
                .hasMessage("cannot write keyset file " + file + ": its folder " + dir.resolve("no/such/folder") + " does not exist");
    }

    @Test
    void aMissingOrForeignFileGetsAMessage() throws IOException {
        assertThatThrownBy(() -> KeysetFile.read(dir.resolve("none")))
                .hasMessage("keyset file " + dir.resolve("none") + " does not exist");
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "not a keyset");
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeysetFile.read(junk)).hasMessageStartingWith(junk + " is not a walden keyset");
    }
}
