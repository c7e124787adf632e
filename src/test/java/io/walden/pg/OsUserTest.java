package io.walden.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OsUserTest {
    @Test
    void commandsForOurselvesAreUnchanged() {
        assertThat(OsUser.commandAs(OsUser.currentName(), List.of("id", "-u"))).containsExactly("id", "-u");
    }

    @Test
    void commandsForAnotherUserGoThroughRunuserOnlyAsRoot() {
        List<String> command = OsUser.commandAs("nobody", List.of("id", "-u"));
        if (OsUser.isRoot()) {
            assertThat(command).containsExactly("runuser", "-u", "nobody", "--", "id", "-u");
        } else {
            assertThat(command).containsExactly("id", "-u");
        }
    }

    @Test
    void ownerOfANewFileIsUs(@TempDir Path dir) {
        assertThat(OsUser.ownerOf(dir)).isEqualTo(OsUser.currentName());
        assertThat(OsUser.exists(OsUser.currentName())).isTrue();
    }
}
