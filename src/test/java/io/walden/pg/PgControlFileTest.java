package io.walden.pg;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgControlFileTest {
    @TempDir
    Path pgdata;

    private void writeControl(long systemId) throws IOException {
        Files.createDirectories(pgdata.resolve("global"));
        ByteBuffer bytes = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN).putLong(systemId);
        Files.write(pgdata.resolve("global/pg_control"), bytes.array());
    }

    @Test
    void readsTheSystemIdentifierLittleEndian() throws IOException {
        writeControl(7440325162098372234L);

        assertThat(PgControlFile.systemIdentifier(pgdata)).isEqualTo(7440325162098372234L);
    }

    @Test
    void identifiersAboveSignedRangePrintUnsigned() throws IOException {
        writeControl(0xF000_0000_0000_0001L);

        assertThat(PgControlFile.systemIdentifierText(pgdata)).isEqualTo("17293822569102704641");
    }

    @Test
    void readsTheMajorVersion() throws IOException {
        Files.writeString(pgdata.resolve("PG_VERSION"), "15\n");
        assertThat(PgControlFile.pgVersionFile(pgdata)).isEqualTo(15);

        Files.writeString(pgdata.resolve("PG_VERSION"), "9.6\n");
        assertThat(PgControlFile.pgVersionFile(pgdata)).isEqualTo(9);
    }

    @Test
    void aDirectoryWithoutClusterIsRefused() {
        assertThatThrownBy(() -> PgControlFile.systemIdentifier(pgdata))
                .isInstanceOf(WaldenException.class)
                .hasMessage(pgdata + " does not hold a PostgreSQL cluster (no global/pg_control)");
        assertThatThrownBy(() -> PgControlFile.pgVersionFile(pgdata))
                .isInstanceOf(WaldenException.class)
                .hasMessage(pgdata + " does not hold a PostgreSQL cluster (no PG_VERSION)");
        assertThat(PgControlFile.isCluster(pgdata)).isFalse();
    }

    @Test
    void aTruncatedControlFileIsRefused() throws IOException {
        Files.createDirectories(pgdata.resolve("global"));
        Files.write(pgdata.resolve("global/pg_control"), new byte[3]);

        assertThatThrownBy(() -> PgControlFile.systemIdentifier(pgdata))
                .isInstanceOf(WaldenException.class)
                .hasMessageContaining("is truncated");
    }
}
