package io.walden.wal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class WalPageHeaderTest {

    static byte[] header(int magic, int info, int tli, long pageAddr, long sysid, int segSize) {
        ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) magic);
        b.putShort(2, (short) info);
        b.putInt(4, tli);
        b.putLong(8, pageAddr);
        b.putInt(16, 0); // xlp_rem_len
        b.putLong(24, sysid);
        b.putInt(32, segSize);
        b.putInt(36, 8192); // xlp_xlog_blcksz
        return b.array();
    }

    @Test
    void readsALongHeader() {
        byte[] page = header(0xD110, 0x0002, 2, 0x16_B300_0000L, 7301234567890123456L, 16 * 1024 * 1024);
        WalPageHeader h = WalPageHeader.read(page, page.length).orElseThrow();
        assertThat(h).isEqualTo(new WalPageHeader(0xD110, 2, 0x16_B300_0000L, 7301234567890123456L, 16L * 1024 * 1024));
        assertThat(h.pgMajor()).contains(15);
        assertThat(WalPageHeader.read(page, 40)).contains(h);
    }

    @Test
    void otherInfoBitsDoNotMatter() {
        byte[] page = header(0xD113, 0x0002 | 0x0004 | 0x0001, 1, 0, 1L, 64 * 1024 * 1024);
        WalPageHeader h = WalPageHeader.read(page, page.length).orElseThrow();
        assertThat(h.segmentSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(h.pgMajor()).contains(16);
    }

    @Test
    void magicNumbersOfEachMajor() {
        int[][] known = {{0xD106, 13}, {0xD10D, 14}, {0xD110, 15}, {0xD113, 16}, {0xD116, 17}, {0xD118, 18}};
        for (int[] k : known) {
            byte[] page = header(k[0], 2, 1, 0, 1, 16 * 1024 * 1024);
            assertThat(WalPageHeader.read(page, 40).orElseThrow().pgMajor()).as("magic %x", k[0]).contains(k[1]);
        }
        byte[] unknown = header(0xD0FF, 2, 1, 0, 1, 16 * 1024 * 1024);
        WalPageHeader h = WalPageHeader.read(unknown, 40).orElseThrow();
        assertThat(h.magic()).isEqualTo(0xD0FF);
        assertThat(h.pgMajor()).isEmpty();
    }

    @Test
    void unsignedSystemIdentifierAndSegmentSize() {
        byte[] page = header(0xD116, 2, 1, 0, 0xF000_0000_0000_0001L, 1 << 30);
        WalPageHeader h = WalPageHeader.read(page, 40).orElseThrow();
        assertThat(Long.toUnsignedString(h.systemIdentifier())).isEqualTo("17293822569102704641");
        assertThat(h.segmentSize()).isEqualTo(1L << 30);
    }

    @Test
    void shortHeaderIsEmpty() {
        byte[] page = header(0xD110, 0x0000, 1, 0x1000_2000L, 7301234567890123456L, 16 * 1024 * 1024);
        assertThat(WalPageHeader.read(page, page.length)).isEmpty();
        byte[] contRecord = header(0xD110, 0x0001, 1, 0x1000_2000L, 0, 0);
        assertThat(WalPageHeader.read(contRecord, page.length)).isEmpty();
    }

    @Test
    void tooFewBytesIsEmpty() {
        byte[] page = header(0xD110, 0x0002, 1, 0, 7301234567890123456L, 16 * 1024 * 1024);
        assertThat(WalPageHeader.read(page, 39)).isEmpty();
        assertThat(WalPageHeader.read(new byte[0], 0)).isEmpty();
    }
}
